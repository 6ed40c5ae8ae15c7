/**
 * What only the Google Cloud stack reads from the config: the project and region (the provider's
 * own keys, `gcp:project` and `gcp:region`), who may call the users function, and how Pub/Sub
 * paces redeliveries of an order. Shared values (memory, timeouts, maxDeliveries) were already
 * checked against Cloud Functions' limits by `readStackConfig` (infra/limits.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import type { FunctionName } from '../../handlers/specs';
import type { StackConfig } from '../config';
import { ConfigValues, refuse } from '../config-values';
import { readBucketNames, type BucketNames } from './bucket-names';
import { chooseSchedulerRegion, schedulerRegionKey } from './scheduler-locations';

export interface GcpOptions {
  project: string;
  /** Functions, buckets, Firestore and the Eventarc trigger all live here. */
  region: string;
  /**
   * The outbox sweeper's Cloud Scheduler job: `schedulerRegion`, else `region` when Cloud
   * Scheduler serves it (scheduler-locations.ts); the job calls the functions across regions.
   */
  schedulerRegion: string;
  /** IAM members granted `roles/run.invoker` on the users function (`allUsers` when public). */
  usersInvokers: string[];
  /** Pub/Sub retry backoff of the orders push subscription, in seconds (0-600 each). */
  ordersMinBackoffSeconds: number;
  ordersMaxBackoffSeconds: number;
  /** Cloud Monitoring notification channels (resource names) the alert policies notify. */
  alertChannels: string[];
  /** Bucket names, unique per project by default (bucket-names.ts). */
  buckets: BucketNames;
  /** Each function's maximum instance count (serviceConfig.maxInstanceCount). */
  maxInstances: Record<FunctionName, number>;
}

/**
 * Maximum instances when the stack sets none. Cloud Run functions serve one request per instance
 * by default, so this is also the most requests a function handles at once. Scaling out costs
 * nothing while idle, but a cap bounds the bill of a burst and the load on what the function
 * writes to:
 * - orders: every order updates the stock documents of its products in one transaction, and
 *   Firestore sustains about one write per second on a single document
 *   (https://cloud.google.com/firestore/docs/best-practices, "hotspots"); many instances racing on
 *   one hot product abort each other's transactions until the conflict retries run out and good
 *   orders are dead-lettered. Few instances keep contention low; a burst waits in the
 *   subscription instead (Pub/Sub retries a push Cloud Run refuses with 429, with backoff).
 * - users: interactive, each request short; 20 instances answer 20 requests at once.
 * - images: 1 GiB each; 10 at once keeps a bulk upload from taking the region's memory quota.
 */
export const defaultMaxInstances: Record<FunctionName, number> = { images: 10, users: 20, orders: 5 };

/** A Pub/Sub retry policy's backoffs: "between 0 and 600 seconds" (Subscription.RetryPolicy). */
export const backoffRange = { min: 0, max: 600 } as const;

// IAM principal identifiers a binding accepts (IAM overview, "Principal identifiers").
const memberPattern = /^(user|serviceAccount|group|domain|principal|principalSet):\S+$/;
// A Google Cloud region id: europe-west1, us-central1, northamerica-northeast2.
const regionPattern = /^[a-z]+-[a-z]+\d+$/;

export function readGcpOptions(config: StackConfig): GcpOptions {
  const values = new ConfigValues(config.project);
  const gcp = new pulumi.Config('gcp');
  const project = gcp.get('project');
  if (!project) refuse('gcp:project', undefined, 'a Google Cloud project id (gcloud projects list)');
  const region = gcp.get('region');
  if (!region || !regionPattern.test(region)) {
    refuse('gcp:region', region, 'a Cloud Functions region such as europe-west1 (gcloud functions regions list)');
  }

  // The users function is private unless the stack says otherwise: `usersPublic: true` adds
  // allUsers; `usersInvokers` lists the principals that may call it.
  const invokers = values.list('usersInvokers');
  for (const member of invokers) {
    if (!memberPattern.test(member)) refuse(values.key('usersInvokers'), member, 'IAM principals such as user:ana@example.com or serviceAccount:caller@project.iam.gserviceaccount.com (use usersPublic for allUsers)');
  }
  // usersPublic itself is read (and checked) by readStackConfig: on every cloud it is the policy
  // pack's switch too.
  const usersPublic = config.usersApi.public;
  // A browser sends its CORS preflight (OPTIONS) without credentials, and Cloud Run checks IAM
  // before any code runs: a private function answers every preflight 403, so no browser can ever
  // call it, whatever corsOrigins says ("CORS limitations",
  // https://cloud.google.com/functions/docs/writing/write-http-functions#cors_limitations).
  if (config.usersApi.corsOrigins.length > 0 && !usersPublic) {
    refuse(values.key('corsOrigins'), config.usersApi.corsOrigins,
      'empty while usersPublic is false: Cloud Run refuses the browser\'s credential-less CORS preflight with 403 before the function runs. ' +
      'For browsers, set usersPublic true with jwtIssuer and jwtAudience (the function itself checks the bearer tokens), ' +
      'or keep the function private and put a front end that authenticates in between (a back end of yours, or API Gateway / a load balancer with IAP holding an identity token for usersInvokers)');
  }

  const minBackoff = values.integer('ordersMinBackoffSeconds', backoffRange.min, backoffRange.max, 10);
  const maxBackoff = values.integer('ordersMaxBackoffSeconds', backoffRange.min, backoffRange.max, 600);
  if (maxBackoff < minBackoff) refuse(values.key('ordersMaxBackoffSeconds'), maxBackoff, `at least ordersMinBackoffSeconds (${minBackoff})`);

  const channels = values.list('alertChannels');
  for (const channel of channels) {
    if (!/^projects\/[^/]+\/notificationChannels\/\d+$/.test(channel)) refuse(values.key('alertChannels'), channel, 'notification channel names projects/<project>/notificationChannels/<id> (gcloud beta monitoring channels list)');
  }

  // "" (Pulumi.yaml's default) means the functions' region.
  const configuredScheduler = values.text(schedulerRegionKey, regionPattern, 'a Google Cloud region such as europe-west1 (gcloud scheduler locations list), or "" for the functions\' region');
  const scheduler = chooseSchedulerRegion(region, configuredScheduler, values.key(schedulerRegionKey));
  if (scheduler.refusal) refuse(values.key(schedulerRegionKey), configuredScheduler ?? '', scheduler.refusal);
  if (scheduler.warning) void pulumi.log.warn(scheduler.warning);

  return {
    project,
    region,
    schedulerRegion: scheduler.region,
    buckets: readBucketNames(values, config.namePrefix, project),
    maxInstances: readMaxInstances(config, values),
    usersInvokers: usersPublic ? ['allUsers', ...invokers] : invokers,
    ordersMinBackoffSeconds: minBackoff,
    ordersMaxBackoffSeconds: maxBackoff,
    alertChannels: channels,
  };
}

/** Each function's maximum, and its minimum (warmInstances) never above it: the API refuses min > max. */
function readMaxInstances(config: StackConfig, values: ConfigValues): Record<FunctionName, number> {
  const result = {} as Record<FunctionName, number>;
  for (const [name, plan] of Object.entries(config.functions) as [FunctionName, StackConfig['functions'][FunctionName]][]) {
    const max = plan.maxInstances ?? defaultMaxInstances[name];
    if (plan.warmInstances > max) {
      const source = plan.maxInstances === undefined ? `the default ${max}` : String(max);
      refuse(values.key(`functions.${name}.warmInstances`), plan.warmInstances,
        `at most functions.${name}.maxInstances (${source}): Cloud Run functions refuse a minimum instance count above the maximum. Raise functions.${name}.maxInstances too`);
    }
    result[name] = max;
  }
  return result;
}

/** Cloud Functions' memory as the API spells it: the tiers are MiB. */
export function availableMemory(memoryMb: number): string {
  return `${memoryMb}Mi`;
}

/** Durations as the Pub/Sub API takes them. */
export function seconds(n: number): string {
  return `${n}s`;
}
