/**
 * The prices the estimate uses, in US dollars, each with the public page it was taken from and
 * the date it was recorded. One region per cloud (AWS us-east-1, Azure East US, Google Cloud
 * Tier 1 regions), list prices, no discounts, no taxes. Clouds change prices: re-read the page
 * and update the figure and its date together.
 */

export interface Price {
  /** Dollars per `per` units. */
  usd: number;
  per: number;
  unit: string;
  /** Units free every month (an always-free tier; 12-month trials are not counted). */
  freePerMonth?: number;
  source: string;
  recorded: string;
}

const recorded = '2026-11-24';
const lambdaPage = 'https://aws.amazon.com/lambda/pricing/';
const azureFunctionsPage = 'https://azure.microsoft.com/pricing/details/functions/';
const cloudRunPage = 'https://cloud.google.com/run/pricing';

export const awsPrices = {
  lambdaRequests: { usd: 0.2, per: 1e6, unit: 'requests', freePerMonth: 1e6, source: lambdaPage, recorded },
  // The 400,000 GB-s free tier is shared by both architectures.
  lambdaGbSecondsX86: { usd: 0.0000166667, per: 1, unit: 'GB-s', freePerMonth: 400_000, source: lambdaPage, recorded },
  lambdaGbSecondsArm: { usd: 0.0000133334, per: 1, unit: 'GB-s', freePerMonth: 400_000, source: lambdaPage, recorded },
  // Provisioned concurrency: the configured GB-s for every second it is on, and a lower duration
  // price for the invocations it serves; "The Lambda free tier does not apply to functions that
  // have Provisioned Concurrency enabled".
  provisionedGbSecondsX86: { usd: 0.0000041667, per: 1, unit: 'GB-s', source: lambdaPage, recorded },
  provisionedGbSecondsArm: { usd: 0.0000033334, per: 1, unit: 'GB-s', source: lambdaPage, recorded },
  provisionedDurationX86: { usd: 0.0000097222, per: 1, unit: 'GB-s', source: lambdaPage, recorded },
  provisionedDurationArm: { usd: 0.0000077778, per: 1, unit: 'GB-s', source: lambdaPage, recorded },
  // HTTP APIs, first 300 million requests a month (the 1 million free is a 12-month trial).
  httpApiRequests: { usd: 1.0, per: 1e6, unit: 'requests', source: 'https://aws.amazon.com/api-gateway/pricing/', recorded },
  sqsRequests: { usd: 0.4, per: 1e6, unit: 'requests', freePerMonth: 1e6, source: 'https://aws.amazon.com/sqs/pricing/', recorded },
  snsPublishes: { usd: 0.5, per: 1e6, unit: 'publishes', freePerMonth: 1e6, source: 'https://aws.amazon.com/sns/pricing/', recorded },
  s3StorageGbMonth: { usd: 0.023, per: 1, unit: 'GB-month', source: 'https://aws.amazon.com/s3/pricing/', recorded },
  s3Writes: { usd: 0.005, per: 1000, unit: 'PUT requests', source: 'https://aws.amazon.com/s3/pricing/', recorded },
  s3Reads: { usd: 0.0004, per: 1000, unit: 'GET requests', source: 'https://aws.amazon.com/s3/pricing/', recorded },
} satisfies Record<string, Price>;

export const azurePrices = {
  // Flex Consumption, on demand: the instance memory for the time it executes, and executions.
  onDemandGbSeconds: { usd: 0.000026, per: 1, unit: 'GB-s', freePerMonth: 100_000, source: azureFunctionsPage, recorded },
  onDemandExecutions: { usd: 0.4, per: 1e6, unit: 'executions', freePerMonth: 250_000, source: azureFunctionsPage, recorded },
  // Always ready: a baseline for every second the instances exist, a lower execution-time price,
  // and "In always ready billing, there are no free grants".
  alwaysReadyBaselineGbSeconds: { usd: 0.000004, per: 1, unit: 'GB-s', source: azureFunctionsPage, recorded },
  alwaysReadyGbSeconds: { usd: 0.000016, per: 1, unit: 'GB-s', source: azureFunctionsPage, recorded },
  alwaysReadyExecutions: { usd: 0.4, per: 1e6, unit: 'executions', source: azureFunctionsPage, recorded },
  queueOperations: { usd: 0.004, per: 10_000, unit: 'operations', source: 'https://azure.microsoft.com/pricing/details/storage/queues/', recorded },
  eventGridOperations: { usd: 0.6, per: 1e6, unit: 'operations', freePerMonth: 100_000, source: 'https://azure.microsoft.com/pricing/details/event-grid/', recorded },
  blobStorageGbMonth: { usd: 0.018, per: 1, unit: 'GB-month', source: 'https://azure.microsoft.com/pricing/details/storage/blobs/', recorded },
  blobWrites: { usd: 0.065, per: 10_000, unit: 'write operations', source: 'https://azure.microsoft.com/pricing/details/storage/blobs/', recorded },
  blobReads: { usd: 0.005, per: 10_000, unit: 'read operations', source: 'https://azure.microsoft.com/pricing/details/storage/blobs/', recorded },
} satisfies Record<string, Price>;

export const gcpPrices = {
  // Cloud Run functions bill as Cloud Run services with request-based billing.
  vcpuSeconds: { usd: 0.000024, per: 1, unit: 'vCPU-s', freePerMonth: 180_000, source: cloudRunPage, recorded },
  gibSeconds: { usd: 0.0000025, per: 1, unit: 'GiB-s', freePerMonth: 360_000, source: cloudRunPage, recorded },
  requests: { usd: 0.4, per: 1e6, unit: 'requests', freePerMonth: 2e6, source: cloudRunPage, recorded },
  // Minimum instances are billed while idle at these rates.
  idleVcpuSeconds: { usd: 0.0000025, per: 1, unit: 'vCPU-s', source: cloudRunPage, recorded },
  idleGibSeconds: { usd: 0.0000025, per: 1, unit: 'GiB-s', source: cloudRunPage, recorded },
  // Throughput, at least 1,000 bytes per publish and per delivery.
  pubsubTiB: { usd: 40, per: 1, unit: 'TiB', freePerMonth: 10 / 1024, source: 'https://cloud.google.com/pubsub/pricing', recorded },
  storageGbMonth: { usd: 0.02, per: 1, unit: 'GB-month', source: 'https://cloud.google.com/storage/pricing', recorded },
  classAOperations: { usd: 0.005, per: 1000, unit: 'Class A operations', source: 'https://cloud.google.com/storage/pricing', recorded },
  classBOperations: { usd: 0.0004, per: 1000, unit: 'Class B operations', source: 'https://cloud.google.com/storage/pricing', recorded },
} satisfies Record<string, Price>;

/** Seconds in the month the estimate bills warm instances for: 730 hours, the month AWS's and Azure's examples use. */
export const secondsPerMonth = 730 * 3600;

/** vCPUs Cloud Run functions give a function by its memory (the defaults), https://cloud.google.com/functions/docs/configuring/memory. */
export const gcpVcpusByMemoryMb: readonly [number, number][] = [
  [128, 0.083], [256, 0.167], [512, 0.333], [1024, 0.583], [2048, 1], [4096, 2], [8192, 2], [16384, 4], [32768, 8],
];

/**
 * Flex Consumption instance sizes the stack deploys, https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#instance-memory:
 * 2048 and 4096 (512 is documented but reported refused, so infra/azure/options.ts refuses it too).
 */
export const azureInstanceSizesMb = [2048, 4096] as const;
