/**
 * The payments queue and the events topic, kept in the SQLite file so that a user can see what
 * the orders function sent: a send lands in a durable local queue (as on SQS or a storage
 * queue), a publish in the `topic_events` table (what a topic subscriber would have received).
 * The dedup key travels as the `order_id` attribute, as on every cloud.
 */
import type { MessageBus, PublishOptions, SendOptions } from '../../../handlers/ports/message-bus';
import { whenNotBusy } from '../busy';
import type { Db } from '../database';
import type { LocalQueue } from '../queue';

export interface PublishedEvent {
  id: number;
  topic: string;
  body: Record<string, unknown>;
  attributes: Record<string, string>;
  published_at: string;
}

export class LocalMessageBus implements MessageBus {
  constructor(
    private readonly db: Db,
    private readonly queueNamed: (name: string) => LocalQueue,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(queue: string, message: Record<string, unknown>, options: SendOptions): Promise<void> {
    await whenNotBusy(() => this.queueNamed(queue).enqueue(JSON.stringify(message), { ...options.attributes, order_id: options.dedupKey }));
  }

  async publish(topic: string, event: Record<string, unknown>, options: PublishOptions): Promise<void> {
    await whenNotBusy(() =>
      this.db
        .prepare('INSERT INTO topic_events (topic, body, attributes, published_at) VALUES (?, ?, ?, ?)')
        .run(topic, JSON.stringify(event), JSON.stringify(options.attributes), this.now().toISOString()),
    );
  }

  /** What the topic's subscribers received, newest first. */
  published(topic: string, limit = 100): PublishedEvent[] {
    return this.db
      .prepare<[string, number], { id: number; topic: string; body: string; attributes: string; published_at: string }>(
        'SELECT * FROM topic_events WHERE topic = ? ORDER BY id DESC LIMIT ?',
      )
      .all(topic, limit)
      .map((r) => ({ ...r, body: JSON.parse(r.body) as Record<string, unknown>, attributes: JSON.parse(r.attributes) as Record<string, string> }));
  }
}
