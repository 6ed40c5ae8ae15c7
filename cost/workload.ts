/** The monthly workload an estimate is for, from the command line, and what it assumes. */

export interface Workload {
  /** Users API requests a month. */
  requests: number;
  /** Average duration of one invocation, every function. */
  avgMs: number;
  /** Images uploaded a month. */
  images: number;
  /** Orders placed a month. */
  orders: number;
}

export const defaultWorkload: Workload = { requests: 1_000_000, avgMs: 120, images: 10_000, orders: 100_000 };

/** Assumptions printed under every estimate. */
export const assumptions = {
  originalMb: 2,
  compressedMb: 0.15,
  /** SQS requests per order: send, receive and delete on the orders queue, send on payments (batching can only lower it). */
  sqsRequestsPerOrder: 4,
  /** Storage queue operations per order: put, get, delete, put on payments. */
  queueOperationsPerOrder: 4,
  /** Pub/Sub messages per order: order published and pushed, payment request and order event published. */
  pubsubMessagesPerOrder: 4,
  /** Pub/Sub messages per image: the Eventarc storage event published and delivered. */
  pubsubMessagesPerImage: 2,
};

const flags: Record<string, keyof Workload> = { '--requests': 'requests', '--avg-ms': 'avgMs', '--images': 'images', '--orders': 'orders' };

export interface CostArgs {
  stack?: string;
  compare: boolean;
  workload: Workload;
}

export function parseCostArgs(argv: readonly string[]): CostArgs {
  const workload = { ...defaultWorkload };
  let stack: string | undefined;
  let compare = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--compare') compare = true;
    else if (flags[arg]) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < 0) throw new Error(`${arg} takes a number of 0 or more, got ${JSON.stringify(argv[i])}`);
      workload[flags[arg]] = value;
    } else if (!arg.startsWith('--') && !stack) stack = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  return { stack, compare, workload };
}
