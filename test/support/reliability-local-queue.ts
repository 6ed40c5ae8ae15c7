/**
 * The local durable queue and its worker, run in this process over a fresh data directory, with
 * the ports the entry points see replaced by fault-injecting wrappers. It drains a queue the way
 * `npm start` does (same worker, same retry and dead-letter decisions) and reads back what the
 * SQLite file holds: orders, stock, payment requests and dead letters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localQueues } from '../../adapters/local/environment';
import { imagesEntry } from '../../adapters/local/images';
import { ordersEntry } from '../../adapters/local/orders';
import { wireLocal, type LocalPorts } from '../../adapters/local/wiring';
import { QueueWorker } from '../../adapters/local/worker';
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import { silentLogger } from '../../handlers/ports/logger';

export interface LocalQueueRun {
  ports: LocalPorts;
  /** Runs the worker of `fn` over `ports` (possibly wrapped) until its queue is empty. */
  drain(fn: 'orders' | 'images', ports: LocalPorts, options?: { maxReceives?: number }): Promise<void>;
  deadLetters(queue: 'orders' | 'images'): { messageId: string; envelope: DeadLetter }[];
  /** Moves every dead letter of `queue` back onto it, as a redrive from a DLQ does. */
  redrive(queue: 'orders' | 'images'): number;
  /** Payment requests on the payments queue, by order id (duplicates counted). */
  paymentsByOrder(): Map<string, number>;
  dispose(): void;
}

export function localQueueRun(): LocalQueueRun {
  const dataDir = mkdtempSync(join(tmpdir(), 'reliability-queue-'));
  const ports = wireLocal({ dataDir, env: {} }, silentLogger);
  const deadLetterRows = (queue: string) =>
    ports.db
      .prepare<[string], { message_id: string; envelope: string }>('SELECT message_id, envelope FROM dead_letters WHERE queue = ? ORDER BY id')
      .all(queue);
  return {
    ports,
    async drain(fn, wrapped, options = {}) {
      const entry = fn === 'orders' ? ordersEntry(wrapped) : imagesEntry(wrapped);
      const queue = ports.queue(localQueues[fn]);
      const worker = new QueueWorker({
        function: fn,
        queue,
        handle: (m) => entry.handle(m),
        envelope: (m, reason, at) => entry.envelope(m, reason, at),
        logger: silentLogger,
        concurrency: 4,
        visibilityMs: 30_000,
        timeoutMs: 20_000,
        maxReceives: options.maxReceives ?? 5,
        backoffMs: 5,
        maxBackoffMs: 40,
        pollMs: 10,
      });
      worker.start();
      const deadline = Date.now() + 90_000;
      while (queue.depth().waiting + queue.depth().hidden > 0) {
        if (Date.now() > deadline) throw new Error(`the ${fn} queue did not drain: ${JSON.stringify(queue.depth())}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await worker.stop(5_000);
    },
    deadLetters: (queue) =>
      deadLetterRows(queue).map((r) => ({ messageId: r.message_id, envelope: JSON.parse(r.envelope) as DeadLetter })),
    redrive(queue) {
      const rows = deadLetterRows(queue);
      for (const r of rows) {
        const envelope = JSON.parse(r.envelope) as DeadLetter;
        const body =
          envelope.message ??
          JSON.stringify({ bucket: envelope.bucket, key: envelope.object_key, etag: envelope.etag, size: 0, eventTime: envelope.failed_at });
        ports.queue(localQueues[queue]).enqueue(body, {}, `${r.message_id}-redriven`);
      }
      ports.db.prepare('DELETE FROM dead_letters WHERE queue = ?').run(queue);
      return rows.length;
    },
    paymentsByOrder() {
      const counts = new Map<string, number>();
      const rows = ports.db
        .prepare<[string], { attributes: string }>('SELECT attributes FROM messages WHERE queue = ?')
        .all(localQueues.payments);
      for (const r of rows) {
        const id = (JSON.parse(r.attributes) as Record<string, string>).order_id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
    dispose() {
      ports.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
