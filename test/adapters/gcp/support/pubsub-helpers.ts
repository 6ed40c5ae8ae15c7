/** Topics, subscriptions and a streaming collector on the Pub/Sub emulator, for the GCP tests. */
import type { Message, PubSub, Subscription, Topic } from '@google-cloud/pubsub';

export async function createTopicWithSubscription(pubsub: PubSub, name: string): Promise<{ topic: Topic; subscription: Subscription }> {
  const [topic] = await pubsub.createTopic(name);
  const [subscription] = await topic.createSubscription(`${name}-sub`);
  return { topic, subscription };
}

export interface Collector {
  messages: Message[];
  /** Waits until at least `atLeast` messages arrived (and then briefly for stragglers); returns all so far. */
  settle(atLeast?: number, timeoutMs?: number): Promise<Message[]>;
}

/** Acknowledges and keeps every message the subscription streams. */
export function collect(subscription: Subscription): Collector {
  const messages: Message[] = [];
  subscription.on('message', (m: Message) => {
    messages.push(m);
    m.ack();
  });
  subscription.on('error', () => {});
  return {
    messages,
    async settle(atLeast = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < atLeast && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      return [...messages];
    },
  };
}
