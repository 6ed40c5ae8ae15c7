/**
 * One Cloud Functions 2nd gen function with what it needs to run: its own service account with
 * only the roles it is given (each on one resource), its source object in the source bucket, and
 * the function, built by Cloud Build from that object. The function waits for its roles, so its
 * first invocation does not fail on a binding still being written.
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudfunctionsv2 from '@pulumi/gcp/cloudfunctionsv2';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import * as storage from '@pulumi/gcp/storage';
import type { FunctionPlan } from '../config';
import type { FunctionPackage } from '../packages';
import { accountId, bind, serviceAccountMember, type Grant } from './iam';
import { availableMemory } from './options';

/** `npm run package` writes `dist/gcp/<function>/` with a package.json whose `main` is the bundle. */
export const packageEntry = 'package.json';
export const runtime = 'nodejs22';

/** An Eventarc trigger: the event type, its filters and who delivers it. */
export interface EventTrigger {
  eventType: string;
  filters: Record<string, pulumi.Input<string>>;
  /** The Eventarc trigger's region: a Cloud Storage trigger must be in the bucket's location. */
  region: string;
  serviceAccountEmail: pulumi.Input<string>;
}

export interface FunctionArgs {
  project: string;
  region: string;
  /** The physical function name (also its Cloud Run service's name). */
  functionName: string;
  /** Names the service account: `<namePrefix>-<function>`. */
  namePrefix: string;
  plan: FunctionPlan;
  package: FunctionPackage;
  /** The bucket the source objects are uploaded to. */
  sourceBucket: pulumi.Input<string>;
  /** Environment variables, named by `adapters/gcp/environment.ts` and `settingName`. */
  environment: Record<string, pulumi.Input<string>>;
  /** The function's roles, each on one resource. */
  grants: Grant[];
  /** Roles on the function's own service account (e.g. signing as itself: signed-uploads.ts). */
  grantsOnItself?: Omit<Grant, 'on'>[];
  /** Without a trigger the function is an HTTPS function. */
  trigger?: EventTrigger;
  /** ALLOW_ALL for a public endpoint; ALLOW_INTERNAL_ONLY when only Google services call it. */
  ingress: 'ALLOW_ALL' | 'ALLOW_INTERNAL_ONLY';
  /** The most instances the function scales out to (serviceConfig.maxInstanceCount). */
  maxInstances: number;
  /** Who Cloud Build builds as, and the grants that must exist before a build starts (build-identity.ts). */
  build: { serviceAccount: pulumi.Input<string>; ready: pulumi.Resource[] };
  /** What must exist first (the project's APIs). */
  dependsOn: pulumi.Resource[];
}

/**
 * The source object's name carries the package's content hash: Cloud Functions rebuilds only when
 * `storageSource.object` changes, so an object overwritten under a fixed name would not redeploy.
 */
export function sourceObjectName(pkg: FunctionPackage): string {
  return `${pkg.name}-${Buffer.from(pkg.contentHash, 'base64').toString('hex')}.zip`;
}

export class ServerlessFunction extends pulumi.ComponentResource {
  readonly function: cloudfunctionsv2.Function;
  readonly serviceAccount: serviceaccount.Account;
  readonly source: storage.BucketObject;
  readonly functionName: pulumi.Output<string>;
  /** The HTTPS URL of the function. */
  readonly url: pulumi.Output<string>;
  /** The Cloud Run service that runs it: invoker roles are granted on it. */
  readonly serviceName: pulumi.Output<string>;
  /** The service's own `run.app` URL, which Cloud Run accepts as an OIDC token audience. */
  readonly serviceUri: pulumi.Output<string>;
  readonly region: string;

  constructor(name: string, args: FunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:gcp:Function', name, {}, opts);
    const parent = { parent: this };
    this.region = args.region;

    this.serviceAccount = new serviceaccount.Account(`${name}-identity`, {
      project: args.project,
      accountId: accountId(args.namePrefix, args.plan.spec.name),
      displayName: `${args.functionName} function`,
      description: `Runs the ${args.plan.spec.name} function; holds only the roles it needs`,
    }, { parent: this, dependsOn: args.dependsOn });
    const member = serviceAccountMember(this.serviceAccount.email);
    const onItself = (args.grantsOnItself ?? []).map((g): Grant => ({ ...g, on: { serviceAccount: this.serviceAccount.name } }));
    const roles = [...args.grants, ...onItself].map((grant) => bind(`${name}-${grant.label}`, args.project, member, grant, parent));

    this.source = new storage.BucketObject(`${name}-source`, {
      bucket: args.sourceBucket,
      name: sourceObjectName(args.package),
      source: new pulumi.asset.FileArchive(args.package.directory),
    }, parent);

    const plan = args.plan;
    const trigger = args.trigger;
    this.function = new cloudfunctionsv2.Function(`${name}-function`, {
      project: args.project,
      location: args.region,
      name: args.functionName,
      description: plan.spec.description,
      buildConfig: {
        runtime,
        // The Functions Framework target each entry registers (`functions.http('users', ...)`).
        entryPoint: plan.spec.name,
        source: { storageSource: { bucket: args.sourceBucket, object: this.source.name } },
        // The full resource name projects/<project>/serviceAccounts/<email> (provider docs: "The
        // fully-qualified name of the service account to be used for building the container").
        serviceAccount: args.build.serviceAccount,
      },
      serviceConfig: {
        availableMemory: availableMemory(plan.memoryMb),
        timeoutSeconds: plan.timeoutSeconds,
        minInstanceCount: plan.warmInstances,
        maxInstanceCount: args.maxInstances,
        serviceAccountEmail: this.serviceAccount.email,
        // NODE_ENV=production: the Functions Framework answers a body it cannot parse through
        // Express's default error handler before our code runs (docs/adapters/gcp.md), and that
        // handler prints the stack trace into the page unless NODE_ENV is production.
        environmentVariables: { ...args.environment, NODE_ENV: 'production' },
        ingressSettings: args.ingress,
        allTrafficOnLatestRevision: true,
      },
      eventTrigger: trigger ? {
        eventType: trigger.eventType,
        triggerRegion: trigger.region,
        eventFilters: Object.entries(trigger.filters).map(([attribute, value]) => ({ attribute, value })),
        // Redeliver a failed event (for up to 24 hours, Eventarc's retry window) instead of dropping it.
        retryPolicy: 'RETRY_POLICY_RETRY',
        serviceAccountEmail: trigger.serviceAccountEmail,
      } : undefined,
    }, { parent: this, dependsOn: [...args.dependsOn, ...roles, ...args.build.ready] });

    this.functionName = this.function.name;
    this.url = this.function.url;
    // serviceConfig.service is the full resource name; IAM bindings (with project and location)
    // and Cloud Monitoring's service_name label take the short name.
    this.serviceName = this.function.serviceConfig.apply((c) => (c?.service ?? args.functionName).split('/').pop()!);
    this.serviceUri = this.function.serviceConfig.apply((c) => c?.uri ?? '');
    this.registerOutputs({ functionName: this.functionName, url: this.url });
  }
}
