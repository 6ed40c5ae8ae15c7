/**
 * MessageBus on Pub/Sub. Both logical names map to topics: Pub/Sub has no queues, a subscription
 * on the payments topic is the payments service's queue. The dedup key travels as the `order_id`
 * attribute (Pub/Sub delivers at least once and does not deduplicate publishes).
 */
import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { MessageBus, PublishOptions, SendOptions } from '../../../handlers/ports/message-bus';

export class PubSubMessageBus implements MessageBus {
  private readonly topics = new Map<string, Topic>();

  /** `topicNames` maps logical names (`payments`, `events`) to topic ids in the client's project. */
  constructor(
    private readonly pubsub: PubSub,
    private readonly topicNames: Record<string, string>,
  ) {}

  async send(queue: string, message: Record<string, unknown>, options: SendOptions): Promise<void> {
    await this.topic(queue).publishMessage({
      json: message,
      attributes: { ...options.attributes, order_id: options.dedupKey },
    });
  }

  async publish(topic: string, event: Record<string, unknown>, options: PublishOptions): Promise<void> {
    await this.topic(topic).publishMessage({ json: event, attributes: { ...options.attributes } });
  }

  private topic(logical: string): Topic {
    const name = this.topicNames[logical];
    if (!name) throw new Error(`no Pub/Sub topic is configured for ${JSON.stringify(logical)}`);
    let topic = this.topics.get(name);
    if (!topic) {
      // Batching adds up to 10 ms per publish by default; one order publishes two messages.
      topic = this.pubsub.topic(name, { batching: { maxMessages: 1 } });
      this.topics.set(name, topic);
    }
    return topic;
  }
}
