/**
 * What only the Google Cloud stack reads from the config: the project and region (the provider's
 * own keys, `gcp:project` and `gcp:region`), who may call the users function, and how Pub/Sub
 * paces redeliveries of an order. Shared values (memory, timeouts, maxDeliveries) were already
 * checked against Cloud Functions' limits by `readStackConfig` (infra/limits.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from '../config';
import { ConfigValues, refuse } from '../config-values';

export interface GcpOptions {
  project: string;
  /** Functions, buckets, Firestore and the Eventarc trigger all live here. */
  region: string;
  /** IAM members granted `roles/run.invoker` on the users function (`allUsers` when public). */
  usersInvokers: string[];
  /** Pub/Sub retry backoff of the orders push subscription, in seconds (0-600 each). */
  ordersMinBackoffSeconds: number;
  ordersMaxBackoffSeconds: number;
  /** Cloud Monitoring notification channels (resource names) the alert policies notify. */
  alertChannels: string[];
}

/** A Pub/Sub retry policy's backoffs: "between 0 and 600 seconds" (Subscription.RetryPolicy). */
export const backoffRange = { min: 0, max: 600 } as const;

// IAM principal identifiers a binding accepts (IAM overview, "Principal identifiers").
const memberPattern = /^(user|serviceAccount|group|domain|principal|principalSet):\S+$/;

export function readGcpOptions(config: StackConfig): GcpOptions {
  const values = new ConfigValues(config.project);
  const gcp = new pulumi.Config('gcp');
  const project = gcp.get('project');
  if (!project) refuse('gcp:project', undefined, 'a Google Cloud project id (gcloud projects list)');
  const region = gcp.get('region');
  if (!region || !/^[a-z]+-[a-z]+\d+$/.test(region)) {
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

  const minBackoff = values.integer('ordersMinBackoffSeconds', backoffRange.min, backoffRange.max, 10);
  const maxBackoff = values.integer('ordersMaxBackoffSeconds', backoffRange.min, backoffRange.max, 600);
  if (maxBackoff < minBackoff) refuse(values.key('ordersMaxBackoffSeconds'), maxBackoff, `at least ordersMinBackoffSeconds (${minBackoff})`);

  const channels = values.list('alertChannels');
  for (const channel of channels) {
    if (!/^projects\/[^/]+\/notificationChannels\/\d+$/.test(channel)) refuse(values.key('alertChannels'), channel, 'notification channel names projects/<project>/notificationChannels/<id> (gcloud beta monitoring channels list)');
  }

  return {
    project,
    region,
    usersInvokers: usersPublic ? ['allUsers', ...invokers] : invokers,
    ordersMinBackoffSeconds: minBackoff,
    ordersMaxBackoffSeconds: maxBackoff,
    alertChannels: channels,
  };
}

/** Cloud Functions' memory as the API spells it: the tiers are MiB. */
export function availableMemory(memoryMb: number): string {
  return `${memoryMb}Mi`;
}

/** Durations as the Pub/Sub API takes them. */
export function seconds(n: number): string {
  return `${n}s`;
}
