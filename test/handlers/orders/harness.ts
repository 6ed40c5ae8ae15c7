/** Shared pieces of the orders tests: message bodies, a delivery, deps over the memory ports. */
import type { QueueMessage } from '../../../handlers/events';
import type { Logger, LogFields } from '../../../handlers/ports/logger';
import type { MessageBus, PublishOptions, SendOptions } from '../../../handlers/ports/message-bus';
import { ordersSpec, type OrdersSettings } from '../../../handlers/specs';
import type { OrdersDeps } from '../../../handlers/orders';
import { MemoryMessageBus, MemoryOrderLedger } from '../../support/memory';

export const settings: OrdersSettings = { ...ordersSpec.settings };

export const NOW = new Date('2026-03-01T12:00:00.000Z');

export interface OrderBody {
  order_id?: unknown;
  user_id?: unknown;
  items?: unknown;
  total_amount?: unknown;
  currency?: unknown;
  [extra: string]: unknown;
}

/** A valid order body; `overrides` replace fields (undefined removes one). */
export function orderBody(overrides: OrderBody = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    order_id: 'ord-1',
    user_id: 'user-1',
    items: [{ product_id: 'sku-1', quantity: 2 }],
    total_amount: 2599,
    currency: 'EUR',
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete body[k];
    else body[k] = v;
  }
  return body;
}

let deliveries = 0;
export function delivery(body: unknown, attempts = 1): QueueMessage {
  return { id: `msg-${++deliveries}`, body: typeof body === 'string' ? body : JSON.stringify(body), attempts };
}

export interface LogLine extends LogFields {
  level: string;
  msg: string;
}

/** A Logger that keeps its lines, to check the one structured line per delivery. */
export function recordingLogger(lines: LogLine[], base: LogFields = {}): Logger {
  const at = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ ...base, ...fields, level, msg });
  return { info: at('info'), warn: at('warn'), error: at('error'), child: (f) => recordingLogger(lines, { ...base, ...f }) };
}

export interface World {
  ledger: MemoryOrderLedger;
  bus: MemoryMessageBus;
  logs: LogLine[];
  deps: OrdersDeps;
}

/** Memory ports with stock already set; `bus` wraps the memory bus when a test needs failures. */
export function world(stock: Record<string, number>, wrapBus?: (bus: MemoryMessageBus) => MessageBus): World {
  const ledger = new MemoryOrderLedger();
  for (const [product, quantity] of Object.entries(stock)) ledger.stock.set(product, quantity);
  const bus = new MemoryMessageBus();
  const logs: LogLine[] = [];
  const deps: OrdersDeps = {
    ledger,
    bus: wrapBus ? wrapBus(bus) : bus,
    clock: { now: () => NOW },
    logger: recordingLogger(logs),
  };
  return { ledger, bus, logs, deps };
}

/**
 * A bus that throws on the first `failures` calls of one kind, passing every other call through:
 * a payments queue or topic that is briefly down.
 */
export function flakyBus(inner: MessageBus, failOn: 'send' | 'publish', failures = 1): MessageBus {
  let left = failures;
  const trip = (kind: 'send' | 'publish') => {
    if (kind === failOn && left > 0) {
      left--;
      throw new Error(`${kind} failed: service unavailable`);
    }
  };
  return {
    async send(queue: string, message: Record<string, unknown>, options: SendOptions) {
      trip('send');
      return inner.send(queue, message, options);
    },
    async publish(topic: string, event: Record<string, unknown>, options: PublishOptions) {
      trip('publish');
      return inner.publish(topic, event, options);
    },
  };
}

/** Awaits `promise`, expecting it to reject; returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, got a result');
}
