/**
 * The outbox sweeper on Google Cloud: a Cloud Scheduler job that POSTs SWEEP_REQUEST to the orders
 * function every `everyMinutes`, signed with an OIDC token of its own service account, the only
 * thing that account may do being to invoke that function (roles/run.invoker on its Cloud Run
 * service). The function stays private: no allUsers, and the push subscription keeps its own account.
 *
 * Rules (docs/deploy-rules.md, "outbox sweeper"):
 * - `schedule` is unix-cron, five fields (https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules);
 *   `*\/N` in the minute field restarts each hour, as on Azure;
 * - an HTTP target's `body` is base64 and is sent only with POST, PUT or PATCH; `attemptDeadline`
 *   is 15 s to 30 min for HTTP targets (the provider's JobArgs, from the Cloud Scheduler API);
 * - an OIDC token's `audience` must be the URL Cloud Run checks: the service URI
 *   (https://cloud.google.com/scheduler/docs/http-target-auth#using-gcloud);
 * - Cloud Scheduler needs its API enabled: cloudscheduler.googleapis.com is in services.ts's
 *   requiredServices, and the job waits for them (`dependsOn`). It no longer needs an App Engine
 *   app for HTTP targets (https://cloud.google.com/scheduler/docs/overview, "Supported regions by
 *   target");
 * - Cloud Scheduler serves fewer regions than Cloud Run: the job lives in `schedulerRegion`
 *   (scheduler-locations.ts chooses it), which may differ from the functions' region, and the
 *   invoker grant stays on the function in its own region;
 * - the token's account must belong to the job's project; the Cloud Scheduler service agent
 *   (service-<number>@gcp-sa-cloudscheduler) mints the token with its roles/cloudscheduler.serviceAgent,
 *   which Google grants when the API is enabled: nothing here grants it or Token Creator, and it
 *   must not be revoked (https://cloud.google.com/scheduler/docs/http-target-auth);
 * - `retryConfig.retryCount` is 0-5 (https://cloud.google.com/scheduler/docs/configuring/retry-jobs);
 *   `timeZone` is a tz database name.
 * No retries: a run that fails is simply done again by the next one.
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudscheduler from '@pulumi/gcp/cloudscheduler';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import { SWEEP_REQUEST } from '../../handlers/orders/sweeper';
import type { ServerlessFunction } from './function';
import { accountId, bind, serviceAccountMember } from './iam';

export interface OutboxSweeperArgs {
  project: string;
  /** The functions' region: where the orders function's invoker grant is. */
  region: string;
  /** Where the job lives: a region Cloud Scheduler serves (scheduler-locations.ts). */
  schedulerRegion: string;
  namePrefix: string;
  /** The orders function: the job's target. */
  fn: ServerlessFunction;
  /** Minutes between runs, 1-60 (infra/config.ts). */
  everyMinutes: number;
  /** The orders function's timeout: one attempt may take that long. */
  functionTimeoutSeconds: number;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** `* * * * *` every minute, `*\/5 * * * *`, and `0 * * * *` hourly (`*\/60` is not a valid step). */
export function cronSchedule(minutes: number): string {
  if (minutes === 1) return '* * * * *';
  if (minutes === 60) return '0 * * * *';
  return `*/${minutes} * * * *`;
}

export class OutboxSweeper extends pulumi.ComponentResource {
  readonly account: serviceaccount.Account;
  readonly job: cloudscheduler.Job;

  constructor(name: string, args: OutboxSweeperArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:gcp:OutboxSweeper', name, {}, opts);
    const { project } = args;
    this.account = new serviceaccount.Account(`${name}-account`, {
      project,
      accountId: accountId(args.namePrefix, 'sweeper'),
      displayName: `${args.namePrefix} outbox sweeper`,
      description: 'Cloud Scheduler calls the orders function with OIDC tokens of this identity to sweep the outbox',
    }, { parent: this, dependsOn: args.dependsOn });
    const invoker = bind(`${name}-invokes-orders`, project, serviceAccountMember(this.account.email), {
      label: 'invokes-orders', role: 'roles/run.invoker', on: { service: args.fn.serviceName, location: args.region },
    }, { parent: this });
    // at least the 15 s Cloud Scheduler allows, and room for one whole invocation of the function
    const deadline = Math.min(1800, Math.max(15, args.functionTimeoutSeconds + 30));
    this.job = new cloudscheduler.Job(`${name}-job`, {
      project,
      region: args.schedulerRegion,
      name: `${args.namePrefix}-outbox-sweep`,
      description: 'Relays orders\' payment requests and events left pending (handlers/orders/sweeper.ts)',
      schedule: cronSchedule(args.everyMinutes),
      timeZone: 'Etc/UTC',
      attemptDeadline: `${deadline}s`,
      retryConfig: { retryCount: 0 },
      httpTarget: {
        uri: args.fn.serviceUri,
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify(SWEEP_REQUEST)).toString('base64'),
        oidcToken: { serviceAccountEmail: this.account.email, audience: args.fn.serviceUri },
      },
    }, { parent: this, dependsOn: [...(args.dependsOn ?? []), invoker] });
    this.registerOutputs({ job: this.job.name, account: this.account.email });
  }
}
