/**
 * The identity Cloud Build builds the three functions as. Without one, Cloud Build runs as the
 * Compute Engine default service account, which in projects and organisations created since 2024
 * gets no role (organisation policy `iam.automaticIamGrantsForDefaultServiceAccounts`, enforced by
 * default) and does not even exist while the Compute API is off: every build fails. This account
 * holds exactly what a 2nd gen build needs ("Custom Service Account for Cloud Build",
 * https://cloud.google.com/functions/docs/securing/build-custom-sa, and the provider's
 * "Cloudfunctions2 Basic Builder" example):
 * - roles/logging.logWriter: the build writes its logs to Cloud Logging;
 * - roles/artifactregistry.writer: the build pushes the image (and its cache image) to the
 *   `gcf-artifacts` repository that Cloud Functions creates in the region;
 * - roles/storage.objectViewer on the sources bucket (our package objects), and on Cloud Functions'
 *   own `gcf-v2-sources-<project number>-<region>` bucket, where the source is staged before the
 *   build reads it ("Build process overview", https://cloud.google.com/functions/docs/building),
 *   through an IAM condition rather than on every bucket of the project.
 * Whoever sets `buildConfig.serviceAccount` must be allowed to act as the account
 * (iam.serviceAccounts.actAs): the deployer gets roles/iam.serviceAccountUser on it.
 */
import * as pulumi from '@pulumi/pulumi';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import { accountId, bind, serviceAccountMember, type Grant } from './iam';
import { PropagationWait, grantSettleSeconds } from './propagation-wait';

export interface BuildIdentityArgs {
  project: string;
  region: string;
  namePrefix: string;
  projectNumber: pulumi.Input<string>;
  /** The bucket the function packages are uploaded to. */
  sourceBucket: pulumi.Input<string>;
  /** The IAM member running `pulumi up` (user:... or serviceAccount:...). */
  deployer: pulumi.Input<string>;
  dependsOn: pulumi.Resource[];
}

/** The build's roles, each on the narrowest resource it can be granted on. */
export function buildGrants(args: Pick<BuildIdentityArgs, 'region' | 'projectNumber' | 'sourceBucket'>): Grant[] {
  return [
    { label: 'writes-build-logs', role: 'roles/logging.logWriter', on: { project: true } },
    { label: 'pushes-images', role: 'roles/artifactregistry.writer', on: { project: true } },
    { label: 'reads-sources', role: 'roles/storage.objectViewer', on: { bucket: args.sourceBucket } },
    {
      label: 'reads-staged-sources',
      role: 'roles/storage.objectViewer',
      on: { projectIf: { title: 'only-function-sources', expression: pulumi.interpolate`resource.name.startsWith("projects/_/buckets/gcf-v2-sources-${args.projectNumber}-${args.region}")` } },
    },
  ];
}

export class BuildIdentity extends pulumi.ComponentResource {
  readonly account: serviceaccount.Account;
  /** `projects/<project>/serviceAccounts/<email>`: the fully-qualified name buildConfig.serviceAccount takes. */
  readonly accountName: pulumi.Output<string>;
  /** The grants (and the deployer's right to act as the account). */
  readonly grants: pulumi.Resource[];
  /** What every function waits for: the grants, then time for them to propagate (propagation-wait.ts). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: BuildIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:gcp:BuildIdentity', name, {}, opts);
    this.account = new serviceaccount.Account(`${name}-account`, {
      project: args.project,
      accountId: accountId(args.namePrefix, 'builder'),
      displayName: `${args.namePrefix} function builds`,
      description: 'Cloud Build builds the functions as this identity; it holds only the roles a build needs',
    }, { parent: this, dependsOn: args.dependsOn });
    // Account.name is the resource name the API returns: projects/<project>/serviceAccounts/<email>
    // (the provider's example passes `account.id`, which is the same string).
    this.accountName = this.account.name;
    const member = serviceAccountMember(this.account.email);
    const parent = { parent: this };
    this.grants = buildGrants(args).map((grant) => bind(`${name}-${grant.label}`, args.project, member, grant, parent));
    this.grants.push(bind(`${name}-deployer-acts-as`, args.project, args.deployer, {
      label: 'deployer-acts-as', role: 'roles/iam.serviceAccountUser', on: { serviceAccount: this.account.name },
    }, parent));
    const settled = new PropagationWait(`${name}-grants-settle`, { after: this.grants, seconds: grantSettleSeconds }, parent);
    this.ready = [...this.grants, settled];
    this.registerOutputs({ account: this.account.email });
  }
}
