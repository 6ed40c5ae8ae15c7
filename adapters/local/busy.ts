/**
 * What the local runtime does when another process holds SQLite's write lock (the `sqlite3`
 * shell, a backup, a second runtime on the same data directory): wait and try again, never crash.
 *
 * better-sqlite3 is synchronous, so SQLite's own `busy_timeout` blocks the whole event loop while
 * it waits: it stays short (`openDatabase`), and the longer wait happens here, between attempts,
 * with the event loop free. A caller that runs out of patience gets a `DatabaseBusyError`, a
 * TransientError that says when to try again: an HTTP request answers 503 with `Retry-After`, a
 * queue delivery is retried later.
 * https://www.sqlite.org/rescode.html#busy
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '../../handlers/errors';
import { isBusy } from './database';

export class DatabaseBusyError extends UnavailableError {
  constructor(waitedMs: number, options?: { cause?: unknown }) {
    super(`the database is locked by another process (waited ${waitedMs} ms)`, 1, options);
    this.name = 'DatabaseBusyError';
  }
}

export interface BusyPatience {
  /** How long to keep trying before giving up with DatabaseBusyError. */
  budgetMs: number;
  /** The first wait, doubled each time with full jitter, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * For a request someone is waiting on: 2 s, then 503. Long enough for an ordinary write by another
 * connection (milliseconds), short enough that a client is told to come back rather than hang.
 */
export const requestPatience: BusyPatience = { budgetMs: 2_000, baseDelayMs: 5, maxDelayMs: 200 };

/**
 * For the queue's own bookkeeping (ack, release, dead-letter): losing one of these means a
 * redelivery, so it keeps trying for longer; the message's visibility timeout covers the rest.
 */
export const bookkeepingPatience: BusyPatience = { budgetMs: 30_000, baseDelayMs: 10, maxDelayMs: 500 };

/** Runs `work` (synchronous SQLite calls) until it is not refused as busy, or the budget is spent. */
export async function whenNotBusy<T>(work: () => T, patience: BusyPatience = requestPatience): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return work();
    } catch (err) {
      if (!isBusy(err)) throw err;
      const waited = Date.now() - started;
      if (waited >= patience.budgetMs) throw new DatabaseBusyError(waited, { cause: err });
      const ceiling = Math.min(patience.maxDelayMs, patience.baseDelayMs * 2 ** (attempt - 1), patience.budgetMs - waited);
      await sleep(Math.max(1, Math.floor(Math.random() * ceiling)));
    }
  }
}

/** The delay before the next try after `failures` busy refusals in a row, for timers (the worker's poll). */
export function busyBackoff(failures: number, patience: BusyPatience = bookkeepingPatience): number {
  return Math.min(patience.maxDelayMs, patience.baseDelayMs * 2 ** Math.max(0, failures - 1));
}
