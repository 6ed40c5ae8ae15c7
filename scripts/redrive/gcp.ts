/**
 * Google Cloud orders: the orders dead-letter topic's kept subscription back to the orders topic.
 * Pub/Sub forwards the original message (data and attributes) after the last delivery; our
 * envelopes carry it in `message`. Each copy is published before its letter is acknowledged
 * (`ackWithResponse`, so a failed ack is seen); a dry run nacks what it read.
 */
import type { Message, PubSub } from '@google-cloud/pubsub';
import { orderIdOf } from '../../handlers/orders/dead-letter';
import { contentOf, describe, type Moved, type RedriveOptions } from './letters';

export interface GcpOrdersTarget {
  ordersTopic: string;
  deadLetterSubscription: string;
}

/**
 * Pulls what is there, waiting at most `idleMs` for the next message, up to `limit`. The
 * subscription stays open until `close()`, which nacks every message it still holds
 * (NackImmediately, the client's default): the callers ack what they replayed, then close.
 */
export async function pull(pubsub: PubSub, subscription: string, limit: number, idleMs = 3_000): Promise<{ messages: Message[]; close: () => Promise<void> }> {
  const sub = pubsub.subscription(subscription, { flowControl: { maxMessages: limit, allowExcessMessages: false } });
  const got: Message[] = [];
  let collecting = true;
  await new Promise<void>((resolve, reject) => {
    let timer = setTimeout(resolve, idleMs);
    // The listener stays: removing a subscription's last listener closes its subscriber, which nacks
    // every message it holds, and acks sent afterwards are lost. After the collection, what arrives
    // (a nacked letter redelivered) is held, and nacked by close(): nacking it here would have it
    // redelivered again at once, round and round.
    sub.on('message', (m: Message) => {
      if (!collecting) return;
      if (got.length >= limit) return m.nack();
      got.push(m);
      clearTimeout(timer);
      timer = got.length >= limit ? setTimeout(resolve, 0) : setTimeout(resolve, idleMs);
    });
    sub.on('error', reject);
  });
  collecting = false;
  return { messages: got, close: () => sub.close() };
}

export async function redriveGcpOrders(pubsub: PubSub, target: GcpOrdersTarget, options: RedriveOptions): Promise<Moved[]> {
  const report: Moved[] = [];
  const topic = pubsub.topic(target.ordersTopic);
  const pulled = await pull(pubsub, target.deadLetterSubscription, options.limit);
  try {
    for (const m of pulled.messages) {
      const content = contentOf(m.data.toString('utf8'));
      if (content.original === undefined) {
        report.push(describe(m.id, content, 'skipped: the letter holds no message'));
        m.nack();
        continue;
      }
      if (options.dryRun) {
        report.push(describe(m.id, content, 'would move'));
        m.nack();
        continue;
      }
      const orderId = orderIdOf(content.original);
      await topic.publishMessage({ data: Buffer.from(content.original, 'utf8'), attributes: orderId ? { order_id: orderId } : {} });
      await m.ackWithResponse();
      report.push(describe(m.id, content, 'moved'));
    }
  } finally {
    await pulled.close();
  }
  return report;
}
