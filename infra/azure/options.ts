/**
 * What only the Azure stack reads from the config, checked against Flex Consumption's limits
 * (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan), and how the three
 * function specs become ONE app: on Flex Consumption instance memory and `functionTimeout` belong
 * to the app, so the app gets the largest memory and the longest timeout of the three specs.
 */
import * as pulumi from '@pulumi/pulumi';
import type { FunctionName } from '../../handlers/specs';
import type { StackConfig } from '../config';
import { ConfigValues, refuse } from '../config-values';
import { storageAccountNamePattern } from './names';

/**
 * Instance memory, per app. Microsoft's page says "Flex Consumption offers these instance size
 * options": 512 MB, 2048 MB, 4096 MB (flex-consumption-plan, Instance sizes), but the service has
 * been reported to refuse 512 with "only 2048 and 4096 are allowed" (Azure/azure-rest-api-specs#40898,
 * open), and the published Flex migration guide allows only 2048 and 4096
 * (erwinkramer/azure-functions-flex-consumption-migration-guide). A size the service may refuse
 * would fail `pulumi up` after preview passed, so the stack accepts 2048 and 4096 and refuses 512
 * with the reason; revisit when the issue is closed.
 */
export const instanceMemorySizes = [2048, 4096] as const;
/** Documented but reported refused (see above). */
export const refusedInstanceMemoryMb = 512;

/**
 * The users API's throttle (throttleRateLimit/throttleBurstLimit, Pulumi.yaml defaults 50 and
 * 100) is an API Gateway stage setting: a Flex Consumption HTTP trigger has no throttle of its own
 * (maximumInstanceCount bounds the scale, not the request rate). A stack that changes them on
 * Azure expects a throttle it would not get, so it is refused.
 */
export const throttleDefaults = { throttleRateLimit: 50, throttleBurstLimit: 100 } as const;

/**
 * Maximum instance count: "Currently the lowest maximum instance count value is 1, and the highest
 * supported maximum instance count value is 1000"; it applies to the on-demand instances of each
 * per-function scale group, and "Always ready instances aren't limited by the maximum instance
 * count and don't count toward it" (https://learn.microsoft.com/azure/azure-functions/event-driven-scaling#limit-scale-out).
 * Older pages said 40: the page above is the one Microsoft keeps current.
 */
export const maximumInstanceRange = { min: 1, max: 1000 } as const;

/**
 * Always-ready groups: HTTP triggers share the `http` group; any other function has its own
 * `function:<name>` entry (flex-consumption-plan, Always ready instances).
 */
export const alwaysReadyGroup: Record<FunctionName, string> = {
  users: 'http',
  images: 'function:images',
  orders: 'function:orders',
};

export interface AzureOptions {
  location: string;
  /** The storage account's name when the stack sets one; by default it is derived from the subscription (storage-account.ts). */
  storageAccountName?: string;
  /** The app's instance memory: the smallest size that holds the largest function (or the one set). */
  instanceMemoryMb: number;
  maximumInstanceCount: number;
  /** The app's functionTimeout in seconds: the longest of the three functions' timeouts. */
  functionTimeoutSeconds: number;
  alwaysReady: { name: string; instanceCount: number }[];
  /** Event Grid delivery of BlobCreated to the images function: attempts (1-30) and event time to live (1-1440 min). */
  imagesDeliveryAttempts: number;
  imagesEventTtlMinutes: number;
  /** Log Analytics retention, 30-730 days. */
  logRetentionDays: number;
  /** Where alerts are mailed; without it the alerts only show in the portal. */
  alertEmail?: string;
}

/**
 * Blob container (and queue) names: 3-63 characters, lower-case letters, digits and hyphens,
 * starting and ending with a letter or digit, "Consecutive dash characters aren't permitted"
 * (https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata#container-names).
 * Stricter than S3 and Cloud Storage, which allow `--`: checked here for the Azure stack.
 */
export const containerNamePattern = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function readAzureOptions(config: StackConfig): AzureOptions {
  const values = new ConfigValues(config.project);
  for (const [key, name] of [['originalsBucket', config.originalsBucket], ['compressedBucket', config.compressedBucket]] as const) {
    if (!containerNamePattern.test(name)) refuse(values.key(key), name, 'a blob container name: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit (Azure refuses "--")');
  }
  // The prefix starts the dead-letter container names (`<prefix>-images-dead-letters`).
  if (!containerNamePattern.test(`${config.namePrefix}-dead-letters`)) {
    refuse(values.key('namePrefix'), config.namePrefix, 'a prefix without two hyphens in a row or a trailing hyphen on Azure: it starts blob container names, where Azure refuses "--"');
  }
  const location = new pulumi.Config('azure-native').get('location');
  if (!location) refuse('azure-native:location', undefined, 'an Azure region that offers Flex Consumption (az functionapp list-flexconsumption-locations)');

  const raw = new pulumi.Config(config.project);
  if (Number(raw.get('instanceMemoryMb')) === refusedInstanceMemoryMb) {
    refuse(values.key('instanceMemoryMb'), raw.get('instanceMemoryMb'), `2048 or 4096: Microsoft documents ${refusedInstanceMemoryMb} MB but the service has been reported to refuse it (Azure/azure-rest-api-specs#40898)`);
  }
  for (const [key, fallback] of Object.entries(throttleDefaults)) {
    const value = raw.get(key);
    if (value !== undefined && value !== '' && Number(value) !== fallback) {
      refuse(values.key(key), value, `its default (${fallback}) on Azure: the users API's throttle is an AWS API Gateway setting, and a Flex Consumption HTTP trigger has none. Remove the key (pulumi config rm ${key}); to rate-limit on Azure put API Management or Front Door in front of the app`);
    }
  }

  const plans = Object.values(config.functions);
  const largestNeed = Math.max(...plans.map((p) => p.memoryMb));
  const smallestFit = instanceMemorySizes.find((size) => size >= largestNeed) ?? 4096;
  // 0, Pulumi.yaml's default, means "not set": an optional key needs a default or the Pulumi CLI
  // requires it (docs/deploy-rules.md, The Pulumi engine).
  const instanceMemoryMb = values.integer('instanceMemoryMb', 0, Math.max(...instanceMemorySizes), 0) === 0
    ? smallestFit
    : values.listed('instanceMemoryMb', instanceMemorySizes, smallestFit);
  if (instanceMemoryMb < largestNeed) {
    const needy = plans.find((p) => p.memoryMb === largestNeed)!.spec.name;
    refuse(values.key('instanceMemoryMb'), instanceMemoryMb, `${instanceMemorySizes.filter((s) => s >= largestNeed).join(' or ')}: the ${needy} function needs ${largestNeed} MB and all three share the app's instances`);
  }

  const maximumInstanceCount = values.integer('maximumInstanceCount', maximumInstanceRange.min, maximumInstanceRange.max, 100);
  const alwaysReady = plans
    .filter((p) => p.warmInstances > 0)
    .map((p) => ({ name: alwaysReadyGroup[p.spec.name], instanceCount: p.warmInstances }));

  const storageAccountName = values.text('storageAccountName', storageAccountNamePattern,
    '3-24 lower-case letters and digits, unique across all of Azure (unset, the stack derives one from your subscription)');

  return {
    location,
    storageAccountName,
    instanceMemoryMb,
    maximumInstanceCount,
    functionTimeoutSeconds: Math.max(...plans.map((p) => p.timeoutSeconds)),
    alwaysReady,
    // Event Grid retry policy: maxDeliveryAttempts 1-30, eventTimeToLiveInMinutes 1-1440 (Event Grid delivery and retry).
    imagesDeliveryAttempts: values.integer('imagesDeliveryAttempts', 1, 30, 30),
    imagesEventTtlMinutes: values.integer('imagesEventTtlMinutes', 1, 1440, 1440),
    // Log Analytics workspaces keep data 30 to 730 days on the PerGB2018 tier.
    logRetentionDays: values.integer('logRetentionDays', 30, 730, 30),
    alertEmail: values.text('alertEmail', /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an e-mail address'),
  };
}

/** `functionTimeout` as host.json spells it (hh:mm:ss). */
export function hostTimeout(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
}
