/**
 * The orders' system of record: stock, orders and their outbox, in one store, so that placing
 * an order is ONE atomic step (DynamoDB TransactWriteItems, an Azure entity-group transaction, a
 * Firestore batched write with preconditions, an SQLite transaction).
 */

export interface OrderLine {
  product_id: string;
  quantity: number;
}

export interface Order {
  order_id: string;
  user_id: string;
  /** Merged: each product once, at most 25 products (what one atomic write takes on every store). */
  items: OrderLine[];
  /** Integer minor units (cents). */
  total_amount: number;
  /** ISO 4217, upper-case. */
  currency: string;
}

export type OrderStatus = 'PLACED' | 'CANCELLED_INSUFFICIENT_INVENTORY';

/** A line that could not be reserved: what was asked and what there was (0 for unknown products). */
export interface ShortLine {
  product_id: string;
  requested: number;
  available: number;
}

/** Where an outbox entry goes: the payments queue or the events topic (logical names). */
export type OutboxChannel = 'payments' | 'events';

/** A message to send, written in the same atomic step as the order it belongs to. */
export interface OutboxEntry {
  /** Unique within the order, e.g. `payment-request` or `order-created`. */
  entry_id: string;
  channel: OutboxChannel;
  /** The JSON body; always carries `order_id` so that consumers can deduplicate. */
  body: Record<string, unknown>;
  /** Message attributes (`event_type` on events, `order_id` on both). */
  attributes: Record<string, string>;
}

export interface OrderRecord {
  order: Order;
  status: OrderStatus;
  placed_at: string;
  /** For a cancelled order, the lines that were short. */
  short_lines?: ShortLine[];
}

export interface PlaceOrderRequest {
  order: Order;
  /** When the order was taken (ISO 8601). */
  at: string;
  /** The outbox written with the order when every line is reserved. */
  outboxIfPlaced: OutboxEntry[];
  /** The outbox written with the cancelled order when some line is short. */
  outboxIfCancelled: OutboxEntry[];
}

export type PlaceOrderResult =
  | { outcome: 'placed' }
  /** Recorded as CANCELLED_INSUFFICIENT_INVENTORY; stock untouched. */
  | { outcome: 'insufficient'; short: ShortLine[] }
  /** This order id was already recorded (a redelivery): nothing changed. */
  | { outcome: 'duplicate'; status: OrderStatus };

export interface OrderLedger {
  /**
   * Checks and decrements stock for every line and writes the order with `outboxIfPlaced`, or
   * writes the cancelled order with `outboxIfCancelled` and leaves stock untouched, or (the order
   * id exists) changes nothing. Write conflicts are retried inside; they are never `insufficient`.
   */
  placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResult>;
  getOrder(orderId: string): Promise<OrderRecord | undefined>;
  /** The order's outbox entries not yet marked sent, in the order they were written. */
  pendingOutbox(orderId: string): Promise<OutboxEntry[]>;
  /** Marks one entry sent; marking an entry twice, or an unknown one, is not an error. */
  markSent(orderId: string, entryId: string): Promise<void>;
}
