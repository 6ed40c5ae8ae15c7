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

/** Pulls what is there, waiting at most `idleMs` for the next message, up to `limit`. */
export async function pull(pubsub: PubSub, subscription: string, limit: number, idleMs = 3_000): Promise<Message[]> {
  const sub = pubsub.subscription(subscription, { flowControl: { maxMessages: limit, allowExcessMessages: false } });
  const got: Message[] = [];
  await new Promise<void>((resolve, reject) => {
    let timer = setTimeout(resolve, idleMs);
    sub.on('message', (m: Message) => {
      if (got.length >= limit) return m.nack();
      got.push(m);
      clearTimeout(timer);
      timer = got.length >= limit ? setTimeout(resolve, 0) : setTimeout(resolve, idleMs);
    });
    sub.on('error', reject);
  });
  sub.removeAllListeners('message');
  await sub.close();
  return got;
}

export async function redriveGcpOrders(pubsub: PubSub, target: GcpOrdersTarget, options: RedriveOptions): Promise<Moved[]> {
  const report: Moved[] = [];
  const topic = pubsub.topic(target.ordersTopic);
  for (const m of await pull(pubsub, target.deadLetterSubscription, options.limit)) {
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
  return report;
}
