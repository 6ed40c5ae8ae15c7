/**
 * A durable queue in the SQLite file, with the semantics of the cloud queues it stands in for
 * (SQS, storage queues, Pub/Sub): at-least-once delivery, a visibility timeout during which a
 * received message is hidden from other receivers, a receive count, delayed redelivery, and a
 * dead-letter table. Every change is one statement or one transaction, so a crash at any point
 * leaves each message either waiting, hidden until its timeout, or dead-lettered: never lost.
 */
import { randomUUID } from 'node:crypto';
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import type { Db } from './database';

export interface ReceivedMessage {
  id: string;
  queue: string;
  body: string;
  attributes: Record<string, string>;
  /** Deliveries so far, this one included. */
  receiveCount: number;
  /** Identifies this delivery: an ack or release with an older lease does nothing. */
  lease: string;
  /** Epoch ms when the message was first enqueued. */
  enqueuedAt: number;
}

interface MessageRow {
  id: string;
  queue: string;
  body: string;
  attributes: string;
  enqueued_at: number;
  visible_at: number;
  receive_count: number;
  lease: string | null;
  last_error: string | null;
}

export interface QueueDepth {
  /** Visible now. */
  waiting: number;
  /** Received and not yet acknowledged, or waiting out a retry delay. */
  hidden: number;
}

export class LocalQueue {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    readonly name: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds a message; returns its id. Re-enqueueing an id that is still queued adds nothing. */
  enqueue(body: string, attributes: Record<string, string> = {}, id: string = randomUUID()): string {
    const at = this.now();
    this.db
      .prepare('INSERT OR IGNORE INTO messages (id, queue, body, attributes, enqueued_at, visible_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, this.name, body, JSON.stringify(attributes), at, at);
    for (const listener of this.listeners) listener();
    return id;
  }

  /** Called after every enqueue in this process, so a consumer need not wait for its next poll. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes the oldest visible message and hides it for `visibilityMs`; undefined when none is visible. */
  receive(visibilityMs: number): ReceivedMessage | undefined {
    return this.db
      .transaction((): ReceivedMessage | undefined => {
        const at = this.now();
        const row = this.db
          .prepare<[string, number], MessageRow>(
            'SELECT * FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, enqueued_at LIMIT 1',
          )
          .get(this.name, at);
        if (!row) return undefined;
        const lease = randomUUID();
        this.db
          .prepare('UPDATE messages SET receive_count = receive_count + 1, visible_at = ?, lease = ? WHERE id = ?')
          .run(at + visibilityMs, lease, row.id);
        return {
          id: row.id,
          queue: row.queue,
          body: row.body,
          attributes: JSON.parse(row.attributes) as Record<string, string>,
          receiveCount: row.receive_count + 1,
          lease,
          enqueuedAt: row.enqueued_at,
        };
      })
      .immediate();
  }

  /** Deletes a processed message; false when its lease expired and someone else holds it now. */
  ack(message: ReceivedMessage): boolean {
    return this.db.prepare('DELETE FROM messages WHERE id = ? AND lease = ?').run(message.id, message.lease).changes === 1;
  }

  /** A failed delivery: visible again after `delayMs`, remembering the error for the dead letter. */
  release(message: ReceivedMessage, delayMs: number, error: string): boolean {
    return (
      this.db
        .prepare('UPDATE messages SET visible_at = ?, last_error = ?, lease = NULL WHERE id = ? AND lease = ?')
        .run(this.now() + delayMs, error, message.id, message.lease).changes === 1
    );
  }

  /**
   * Shutdown: an unfinished delivery goes back at once and does not count as a receive,
   * because it was interrupted, not failed.
   */
  returnUnfinished(message: ReceivedMessage): boolean {
    return (
      this.db
        .prepare('UPDATE messages SET visible_at = ?, receive_count = receive_count - 1, lease = NULL WHERE id = ? AND lease = ?')
        .run(this.now(), message.id, message.lease).changes === 1
    );
  }

  /**
   * A delivery that could not run because the database was locked by another process: visible
   * again after `delayMs`, and not counted as a receive (nothing about the message failed).
   */
  postpone(message: ReceivedMessage, delayMs: number): boolean {
    return (
      this.db
        .prepare('UPDATE messages SET visible_at = ?, receive_count = receive_count - 1, lease = NULL WHERE id = ? AND lease = ?')
        .run(this.now() + delayMs, message.id, message.lease).changes === 1
    );
  }

  /** Moves the message to `dead_letters` with its envelope, in one transaction. */
  deadLetter(message: ReceivedMessage, envelope: DeadLetter): boolean {
    return this.db
      .transaction(() => {
        const removed = this.db.prepare('DELETE FROM messages WHERE id = ? AND lease = ?').run(message.id, message.lease).changes;
        if (removed !== 1) return false;
        this.db
          .prepare('INSERT INTO dead_letters (queue, message_id, envelope, failed_at) VALUES (?, ?, ?, ?)')
          .run(this.name, message.id, JSON.stringify(envelope), envelope.failed_at);
        return true;
      })
      .immediate();
  }

  /** True while a message with this attribute value is queued (waiting or hidden). */
  holds(attribute: string, value: string): boolean {
    return (
      this.db
        .prepare<[string, string, string], { one: number }>(
          "SELECT 1 AS one FROM messages WHERE queue = ? AND json_extract(attributes, '$.' || ?) = ? LIMIT 1",
        )
        .get(this.name, attribute, value) !== undefined
    );
  }

  depth(): QueueDepth {
    const row = this.db
      .prepare<[number, number, string], QueueDepth>(
        'SELECT COALESCE(SUM(visible_at <= ?), 0) AS waiting, COALESCE(SUM(visible_at > ?), 0) AS hidden FROM messages WHERE queue = ?',
      )
      .get(this.now(), this.now(), this.name);
    return row ?? { waiting: 0, hidden: 0 };
  }

  /**
   * The newest `limit` messages still queued (waiting or hidden), newest first, for the console
   * and `/payments`. Newest first because the oldest first stopped showing anything new once a
   * queue held more than `limit` (the payments queue is never consumed locally, so it only grows).
   * Messages enqueued in the same millisecond keep their insertion order (rowid).
   */
  peek(limit = 100): { id: string; body: string; attributes: Record<string, string>; receive_count: number; last_error: string | null; enqueued_at: string }[] {
    return this.db
      .prepare<[string, number], MessageRow>('SELECT * FROM messages WHERE queue = ? ORDER BY enqueued_at DESC, rowid DESC LIMIT ?')
      .all(this.name, limit)
      .map((r) => ({
        id: r.id,
        body: r.body,
        attributes: JSON.parse(r.attributes) as Record<string, string>,
        receive_count: r.receive_count,
        last_error: r.last_error,
        enqueued_at: new Date(r.enqueued_at).toISOString(),
      }));
  }
}
