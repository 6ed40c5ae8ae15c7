/**
 * The messages an order owes the world, built before placing it so that the ledger writes them
 * in the same atomic step as the order (the transactional outbox). Both outcomes are built:
 * the ledger decides which one is kept.
 */
import type { Order, OutboxEntry, ShortLine } from '../ports/order-ledger';
import { CANCELLED_REASON, ENTRY_IDS, EVENTS_CHANNEL, EVENT_TYPES, PAYMENTS_CHANNEL } from './channels';

/** A placed order: a payment request, then ORDER_CREATED. */
export function outboxIfPlaced(order: Order, occurredAt: string): OutboxEntry[] {
  return [
    {
      entry_id: ENTRY_IDS.paymentRequest,
      channel: PAYMENTS_CHANNEL,
      body: { order_id: order.order_id, user_id: order.user_id, amount: order.total_amount, currency: order.currency },
      attributes: { order_id: order.order_id },
    },
    orderEvent(ENTRY_IDS.orderCreated, EVENT_TYPES.created, order, occurredAt, {}),
  ];
}

/**
 * A cancelled order: ORDER_CANCELLED only, no payment. Which lines were short is known only
 * inside placeOrder, so the stored body carries none; the relay adds them from the ledger's
 * answer or the order record (see `withShortLines`).
 */
export function outboxIfCancelled(order: Order, occurredAt: string): OutboxEntry[] {
  return [orderEvent(ENTRY_IDS.orderCancelled, EVENT_TYPES.cancelled, order, occurredAt, { reason: CANCELLED_REASON })];
}

/** The ORDER_CANCELLED entry with `short_lines` filled in; any other entry unchanged. */
export function withShortLines(entry: OutboxEntry, short: readonly ShortLine[] | undefined): OutboxEntry {
  if (entry.entry_id !== ENTRY_IDS.orderCancelled || !short) return entry;
  return { ...entry, body: { ...entry.body, short_lines: short.map((s) => ({ ...s })) } };
}

function orderEvent(
  entryId: string,
  eventType: string,
  order: Order,
  occurredAt: string,
  extra: Record<string, unknown>,
): OutboxEntry {
  return {
    entry_id: entryId,
    channel: EVENTS_CHANNEL,
    body: {
      order_id: order.order_id,
      event_type: eventType,
      user_id: order.user_id,
      items: order.items.map((l) => ({ product_id: l.product_id, quantity: l.quantity })),
      total_amount: order.total_amount,
      currency: order.currency,
      ...extra,
      occurred_at: occurredAt,
    },
    attributes: { event_type: eventType, order_id: order.order_id },
  };
}
