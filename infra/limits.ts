/**
 * What each platform accepts, one table per cloud: the config module checks every function spec
 * (and the overrides a stack sets) against the table of the stack's cloud before anything is
 * declared. `infra/azure` and `infra/gcp` add their tables here with the same shape.
 */
import type { TriggerKind } from '../handlers/specs';

export interface PlatformLimits {
  /** The platform's name as it appears in error messages. */
  platform: string;
  /** Where the figures come from. */
  source: string;
  /** Memory a function may ask for: a range (with a step) or a list of sizes. */
  memoryMb: { min: number; max: number; step?: number } | { allowed: readonly number[] };
  /** The longest timeout per trigger kind (some platforms allow HTTP functions longer). */
  maxTimeoutSeconds: Record<TriggerKind, number>;
  /**
   * Where a trigger's timeout limit comes from when it is not the platform's own figure (a
   * gateway in front of the function, for example); the refusal names it instead of `source`.
   */
  timeoutSources?: Partial<Record<TriggerKind, string>>;
  /** The largest provisioned / always-ready / minimum instance count accepted per function. */
  maxReservedInstances: number;
  /** The largest per-function maximum instance count (`functions.<name>.maxInstances`); absent: the platform has none. */
  maxInstances?: number;
  /** Deliveries of a queued message before the platform dead-letters it. */
  maxDeliveries: { min: number; max: number };
}

/** AWS Lambda quotas: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
export const awsLimits: PlatformLimits = {
  platform: 'AWS Lambda',
  source: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
  // "128 MB to 10,240 MB, in 1-MB increments".
  memoryMb: { min: 128, max: 10240, step: 1 },
  // "900 seconds (15 minutes)" whatever the trigger; but the HTTP function (users) is reached only
  // through an API Gateway HTTP API, whose "Maximum integration timeout" is "30 seconds", not
  // adjustable (HTTP API quotas): past 30 s the caller gets an error while the function runs on, so a
  // longer timeout would only bill work nobody receives. infra/aws/users-api.ts sets the
  // integration's own timeout from this figure.
  maxTimeoutSeconds: { 'object-created': 900, http: 30, queue: 900 },
  timeoutSources: {
    http: 'behind an API Gateway HTTP API, whose integrations time out at 30 s: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html',
  },
  // Provisioned concurrency draws on the account's concurrency, 1,000 by default per Region, of
  // which Lambda keeps 100 unreserved: 900 at most, and across all functions together
  // (infra/aws/concurrency.ts checks the sum).
  maxReservedInstances: 900,
  // An SQS redrive policy's maxReceiveCount: 1 to 1,000 (SQS dead-letter queue documentation).
  maxDeliveries: { min: 1, max: 1000 },
};

/**
 * Azure Functions Flex Consumption (FC1):
 * https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan (instance memory, always
 * ready, scale-out "1000") and https://learn.microsoft.com/azure/azure-functions/functions-scale
 * (timeouts). Memory and timeout belong to the whole app, not to a function: a function's figure
 * here is what it needs, and `infra/azure/options.ts` sizes the app for the largest of the three
 * (instance memory: 2048 or 4096 MB; options.ts says why not 512).
 */
export const azureLimits: PlatformLimits = {
  platform: 'Azure Functions Flex Consumption',
  source: 'https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan',
  // A function needs at most the largest instance size, 4,096 MB.
  memoryMb: { min: 1, max: 4096, step: 1 },
  // HTTP: "the maximum response time of 230 seconds" (the Azure load balancer's idle timeout)
  // whatever functionTimeout says. Other triggers: default 30 minutes, maximum unbounded, but a
  // worker scaling in gets at most a 60-minute grace period, so this program stops at 60 minutes.
  // object-created is NOT capped at Event Grid's response window: Event Grid "waits 30 seconds for
  // a response after delivering a message" and then queues the event for retry
  // (https://learn.microsoft.com/azure/event-grid/delivery-and-retry), so an images run longer
  // than that (eventGridResponseSeconds) is delivered again while it works. That costs a second
  // run, not a wrong result: the core is idempotent (a compressed copy carrying the original's
  // source-etag ends a re-delivery after one head; test/handlers/images/flow.test.ts,
  // "re-delivery"), and the retry that comes after the first run finished is skipped and answers
  // in time. A cap would also refuse the images spec's own 60 s, and functionTimeout is per app
  // anyway (the longest of the three functions), so it could not keep the app under 30 s.
  // What a long run does cost: a few more deliveries, so imagesDeliveryAttempts must leave room
  // for them (with 1 attempt, a run past 30 s is dead-lettered although its copy was written).
  maxTimeoutSeconds: { 'object-created': 3600, http: 230, queue: 3600 },
  // Always-ready instances per group: they do not count toward the maximum instance count
  // (event-driven-scaling, Limit scale-out); the regional memory quota bounds them. 1,000 as the
  // largest scale-out keeps a typo from reserving (and billing) thousands.
  maxReservedInstances: 1000,
  // host.json queues.maxDequeueCount has no documented maximum; 1-1,000 as on SQS.
  maxDeliveries: { min: 1, max: 1000 },
};

/**
 * Cloud Functions 2nd gen (Cloud Run functions): memory tiers from
 * https://cloud.google.com/functions/docs/configuring/memory ("128 MiB" to "32 GiB", each tier
 * with its CPU), timeouts from https://cloud.google.com/functions/docs/configuring/timeout.
 */
export const gcpLimits: PlatformLimits = {
  platform: 'Google Cloud Functions (2nd gen)',
  source: 'https://cloud.google.com/functions/docs/configuring/timeout',
  // The documented tiers, in MiB; the program deploys them as `<n>Mi`.
  memoryMb: { allowed: [128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768] },
  // "60 minutes (3600 seconds) for HTTP functions and 9 minutes (540 seconds) for event-driven
  // functions". The orders function is an HTTP function behind a Pub/Sub push subscription whose
  // ack deadline must cover it, and an ack deadline is at most 600 s (Pub/Sub subscription
  // properties): past 600 s Pub/Sub would redeliver orders still being placed.
  maxTimeoutSeconds: { 'object-created': 540, http: 3600, queue: 600 },
  // Minimum instances are bounded by the maximum instances of a function, 1,000 per region
  // (https://cloud.google.com/functions/quotas).
  maxReservedInstances: 1000,
  // serviceConfig.maxInstanceCount: the same 1,000 bounds the maximum; infra/gcp/options.ts sets the
  // defaults and checks minimum <= maximum.
  maxInstances: 1000,
  // A dead-letter policy's maxDeliveryAttempts "must be between 5 and 100" (Pub/Sub DeadLetterPolicy).
  maxDeliveries: { min: 5, max: 100 },
};

/** How long Event Grid waits for an Azure Function endpoint before it schedules a retry (delivery-and-retry). */
export const eventGridResponseSeconds = 30;

/** Tables by cloud; a cloud without one cannot be deployed yet. */
export const platformLimits: Partial<Record<string, PlatformLimits>> = {
  aws: awsLimits,
  azure: azureLimits,
  gcp: gcpLimits,
};

/** Why a memory size is refused, or undefined when the platform accepts it. */
export function memoryProblem(limits: PlatformLimits, memoryMb: number): string | undefined {
  const m = limits.memoryMb;
  if ('allowed' in m) {
    return m.allowed.includes(memoryMb) ? undefined : `one of ${m.allowed.join(', ')} MB`;
  }
  const step = m.step ?? 1;
  const ok = Number.isInteger(memoryMb) && memoryMb >= m.min && memoryMb <= m.max && (memoryMb - m.min) % step === 0;
  return ok ? undefined : `an integer from ${m.min} to ${m.max} MB${step > 1 ? ` in steps of ${step}` : ''}`;
}
