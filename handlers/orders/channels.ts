/**
 * The logical names the orders function sends to, in one place. Each adapter maps them to its
 * own resources (an SQS queue and an SNS topic, a storage queue and an Event Grid topic, two
 * Pub/Sub topics), so the core never names a cloud resource.
 */
import type { OutboxChannel } from '../ports/order-ledger';

/** The queue that takes payment requests (`MessageBus.send`). */
export const PAYMENTS_CHANNEL = 'payments' as const satisfies OutboxChannel;

/** The topic that takes order events (`MessageBus.publish`). */
export const EVENTS_CHANNEL = 'events' as const satisfies OutboxChannel;

/** Outbox entry ids: unique within an order, stable across redeliveries. */
export const ENTRY_IDS = {
  paymentRequest: 'payment-request',
  orderCreated: 'order-created',
  orderCancelled: 'order-cancelled',
} as const;

export const EVENT_TYPES = {
  created: 'ORDER_CREATED',
  cancelled: 'ORDER_CANCELLED',
} as const;

/** The reason an ORDER_CANCELLED event carries; it matches the order's recorded status. */
export const CANCELLED_REASON = 'INSUFFICIENT_INVENTORY';
