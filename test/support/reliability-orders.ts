/**
 * Driving orders through the core as an at-least-once queue would: every delivery that fails
 * transiently is delivered again (with its attempt count) until it succeeds or reaches the
 * queue's maximum receives, and a permanent failure is dead-lettered with its reason at once.
 * The bus records what was sent so that payments can be counted by order id.
 */
import { isPermanent, reasonOf } from '../../handlers/errors';
import { processOrder, type OrderResult } from '../../handlers/orders';
import { systemClock } from '../../handlers/ports/clock';
import { silentLogger } from '../../handlers/ports/logger';
import type { MessageBus, PublishOptions, SendOptions } from '../../handlers/ports/message-bus';
import type { OrderLedger } from '../../handlers/ports/order-ledger';
import { readSettings } from '../../handlers/settings';
import { ordersSpec } from '../../handlers/specs';

export const ordersSettings = readSettings(ordersSpec, {});

export interface OrderBody {
  order_id: string;
  user_id: string;
  items: { product_id: string; quantity: number }[];
  total_amount: number;
  currency: string;
}

export function orderBody(orderId: string, items: { product_id: string; quantity: number }[]): OrderBody {
  return { order_id: orderId, user_id: 'u-reliability', items, total_amount: 100 * items.length, currency: 'EUR' };
}

/** Every payment request and event, as a consumer would receive them (duplicates included). */
export class RecordingBus implements MessageBus {
  readonly payments: { order_id: string; body: Record<string, unknown>; dedupKey: string }[] = [];
  readonly events: { order_id: string; event_type: string }[] = [];

  async send(_queue: string, message: Record<string, unknown>, options: SendOptions): Promise<void> {
    this.payments.push({ order_id: String(message.order_id), body: message, dedupKey: options.dedupKey });
  }

  async publish(_topic: string, event: Record<string, unknown>, options: PublishOptions): Promise<void> {
    this.events.push({ order_id: String(event.order_id), event_type: options.attributes.event_type });
  }

  /** Payment requests per order id. */
  paymentsByOrder(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const p of this.payments) counts.set(p.order_id, (counts.get(p.order_id) ?? 0) + 1);
    return counts;
  }
}

export interface Delivered {
  order_id?: string;
  result?: OrderResult;
  /** Deliveries made, the successful one included. */
  attempts: number;
  /** Set when the message ended in the dead letters, with the envelope's reason. */
  deadLetter?: string;
}

/**
 * One queue message, delivered until done. `maxReceives` mirrors SQS maxReceiveCount / Azure
 * maxDequeueCount; the short random pause stands in for the queue's redelivery delay and lets
 * competing writers finish.
 */
export async function deliverOrder(
  body: string,
  deps: { ledger: OrderLedger; bus: MessageBus },
  messageId: string,
  maxReceives = 10,
): Promise<Delivered> {
  for (let attempts = 1; ; attempts++) {
    try {
      const result = await processOrder(
        { id: messageId, body, attempts },
        { ...deps, clock: systemClock, logger: silentLogger },
        ordersSettings,
      );
      return { order_id: result.order_id, result, attempts };
    } catch (err) {
      if (isPermanent(err) || attempts >= maxReceives) return { attempts, deadLetter: reasonOf(err) };
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempts));
    }
  }
}

/** Runs `tasks` with at most `limit` in flight, keeping their order in the results. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A seeded shuffle (mulberry32), so that a failing interleaving can be replayed by its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
