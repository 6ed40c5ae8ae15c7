/**
 * Runs one function over one local queue, as a cloud's trigger would: receive, invoke, then
 * acknowledge, retry later with exponential backoff, or dead-letter. The decision on a failure
 * is the shared one (`handlers/delivery.ts`): a permanent error dead-letters at once; any other
 * retries until the message has been received `maxReceives` times (SQS's maxReceiveCount,
 * a storage queue's maxDequeueCount), then dead-letters with the last error.
 */
import { onFailure } from '../../handlers/delivery';
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import type { Logger } from '../../handlers/ports/logger';
import type { FunctionName } from '../../handlers/specs';
import type { LocalQueue, ReceivedMessage } from './queue';

export interface WorkerOptions {
  function: FunctionName;
  queue: LocalQueue;
  /** The function itself; a throw is a failed delivery. */
  handle(message: ReceivedMessage): Promise<unknown>;
  /** The shared envelope for this function's dead letters (orders read their order's state first). */
  envelope(message: ReceivedMessage, reason: string, at: Date): DeadLetter | Promise<DeadLetter>;
  logger: Logger;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** How long a received message stays hidden; longer than `timeoutMs`, so no double delivery. */
  visibilityMs: number;
  /** An invocation running longer fails (transiently), as a cloud function's timeout would. */
  timeoutMs: number;
  maxReceives: number;
  /** Retry delay after the first failure, doubled after each one, capped at `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Poll interval when the queue is empty and nothing was enqueued in this process. */
  pollMs?: number;
}

/** The delay before the next delivery after `receiveCount` failed ones. */
export function backoffDelay(receiveCount: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, receiveCount - 1));
}

export class QueueWorker {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly inFlight = new Map<string, { message: ReceivedMessage; done: Promise<void> }>();

  constructor(private readonly options: WorkerOptions) {}

  start(): void {
    this.running = true;
    this.unsubscribe = this.options.queue.onEnqueue(() => setImmediate(() => this.pump()));
    this.pump();
  }

  /**
   * Stops receiving, lets deliveries in flight finish for up to `graceMs`, and returns the rest
   * to the queue so that the next start delivers them again.
   */
  async stop(graceMs: number): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    const pending = [...this.inFlight.values()];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending.map((p) => p.done)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    for (const { message } of this.inFlight.values()) this.options.queue.returnUnfinished(message);
    this.inFlight.clear();
  }

  get busy(): number {
    return this.inFlight.size;
  }

  private pump(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    while (this.running && this.inFlight.size < this.options.concurrency) {
      const message = this.options.queue.receive(this.options.visibilityMs);
      if (!message) break;
      const done = this.deliver(message).finally(() => {
        this.inFlight.delete(message.lease);
        this.pump();
      });
      this.inFlight.set(message.lease, { message, done });
    }
    // also wakes delayed retries and messages whose visibility timeout ran out
    if (this.running) this.timer = setTimeout(() => this.pump(), this.options.pollMs ?? 100);
  }

  private async deliver(message: ReceivedMessage): Promise<void> {
    const { queue, logger } = this.options;
    const started = performance.now();
    // the attributes name the work (the object key, the order id) so that a failure line says which
    const fields = { function: this.options.function, message_id: message.id, attempt: message.receiveCount, ...message.attributes };
    try {
      await withTimeout(this.options.handle(message), this.options.timeoutMs);
      if (!this.running && !this.inFlight.has(message.lease)) return; // already returned at shutdown
      queue.ack(message);
      // no line here: the core logs each success itself (function, duration, outcome)
    } catch (err) {
      if (!this.running && !this.inFlight.has(message.lease)) return;
      const failure = onFailure(err);
      const exhausted = message.receiveCount >= this.options.maxReceives;
      if (failure.action === 'dead-letter' || exhausted) {
        queue.deadLetter(message, await this.options.envelope(message, failure.reason, new Date()));
        logger.error('invocation', { ...fields, duration_ms: elapsed(started), outcome: 'dead-lettered', reason: failure.reason });
      } else {
        const delay = backoffDelay(message.receiveCount, this.options.backoffMs, this.options.maxBackoffMs);
        queue.release(message, delay, failure.reason);
        logger.warn('invocation', { ...fields, duration_ms: elapsed(started), outcome: 'retry', retry_in_ms: delay, reason: failure.reason });
      }
    }
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
