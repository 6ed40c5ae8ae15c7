/**
 * Sending to a queue and publishing to a topic: SQS/SNS, storage queues/Event Grid, Pub/Sub.
 * Names are logical (`payments`, `events`); the adapter maps them to its resources.
 * Delivery is at least once on every cloud: a message may arrive twice, so every message
 * carries a key (`order_id`) its consumer deduplicates on.
 */
export interface SendOptions {
  /** The key consumers deduplicate on; sent as an attribute as well as in the body. */
  dedupKey: string;
  attributes?: Record<string, string>;
}

export interface PublishOptions {
  attributes: Record<string, string>;
}

export interface MessageBus {
  send(queue: string, message: Record<string, unknown>, options: SendOptions): Promise<void>;
  publish(topic: string, event: Record<string, unknown>, options: PublishOptions): Promise<void>;
}
