/**
 * Runs one function over one local queue, as a cloud's trigger would: receive, invoke, then
 * acknowledge, retry later with exponential backoff, or dead-letter. The decision on a failure
 * is the shared one (`handlers/delivery.ts`): a permanent error dead-letters at once; any other
 * retries until the message has been received `maxReceives` times (SQS's maxReceiveCount,
 * a storage queue's maxDequeueCount), then dead-letters with the last error.
 *
 * Another process may hold the database's write lock at any moment: a receive refused as busy
 * waits and polls again (backing off while it lasts), and the bookkeeping after a delivery (ack,
 * release, dead-letter) waits for the lock; if it never comes, the message reappears after its
 * visibility timeout and is delivered again (at least once, as on every cloud). Nothing here may
 * throw out of a timer: that would end the process.
 */
import { onFailure } from '../../handlers/delivery';
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import type { Logger } from '../../handlers/ports/logger';
import type { FunctionName } from '../../handlers/specs';
import { bookkeepingPatience, busyBackoff, DatabaseBusyError, whenNotBusy } from './busy';
import { isBusy } from './database';
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
  /** Receives refused as busy in a row; spaces the next polls out while the lock is held. */
  private busyPolls = 0;

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
    const unfinished = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const { message } of unfinished) {
      // a message not returned here reappears after its visibility timeout: late, not lost
      await this.bookkeeping('return', message, () => this.options.queue.returnUnfinished(message));
    }
  }

  get busy(): number {
    return this.inFlight.size;
  }

  private pump(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    while (this.running && this.inFlight.size < this.options.concurrency) {
      let message: ReceivedMessage | undefined;
      try {
        message = this.options.queue.receive(this.options.visibilityMs);
        this.busyPolls = 0;
      } catch (err) {
        this.busyPolls++;
        if (!isBusy(err)) this.options.logger.error('queue receive failed', { function: this.options.function, error: String(err) });
        this.timer = setTimeout(() => this.pump(), busyBackoff(this.busyPolls));
        return;
      }
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
      await this.bookkeeping('ack', message, () => queue.ack(message));
      // no line here: the core logs each success itself (function, duration, outcome)
    } catch (err) {
      if (!this.running && !this.inFlight.has(message.lease)) return;
      if (lockedOut(err)) {
        // another process held the database: the message did not fail, so the try is not counted
        const delay = backoffDelay(1, this.options.backoffMs, this.options.maxBackoffMs);
        await this.bookkeeping('postpone', message, () => queue.postpone(message, delay));
        logger.warn('invocation', { ...fields, duration_ms: elapsed(started), outcome: 'postponed', retry_in_ms: delay, reason: 'the database is locked by another process' });
        return;
      }
      const failure = onFailure(err);
      const exhausted = message.receiveCount >= this.options.maxReceives;
      if (failure.action === 'dead-letter' || exhausted) {
        const letter = await this.options.envelope(message, failure.reason, new Date());
        await this.bookkeeping('dead-letter', message, () => queue.deadLetter(message, letter));
        logger.error('invocation', { ...fields, duration_ms: elapsed(started), outcome: 'dead-lettered', reason: failure.reason });
      } else {
        const delay = backoffDelay(message.receiveCount, this.options.backoffMs, this.options.maxBackoffMs);
        await this.bookkeeping('release', message, () => queue.release(message, delay, failure.reason));
        logger.warn('invocation', { ...fields, duration_ms: elapsed(started), outcome: 'retry', retry_in_ms: delay, reason: failure.reason });
      }
    }
  }

  /** One queue write after a delivery, waiting out a lock held elsewhere; never throws. */
  private async bookkeeping(step: string, message: ReceivedMessage, write: () => unknown): Promise<void> {
    try {
      await whenNotBusy(write, bookkeepingPatience);
    } catch (err) {
      this.options.logger.warn('queue bookkeeping failed; the message will be delivered again', {
        function: this.options.function,
        message_id: message.id,
        step,
        error: String(err),
      });
    }
  }
}

/** A failure that only says the database was locked: busy itself, given up on, or the cause of a conflict retry that ran out. */
function lockedOut(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseBusyError || isBusy(e)) return true;
  }
  return false;
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
