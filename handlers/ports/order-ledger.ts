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
  /** The fingerprint of the order's content (handlers/orders/fingerprint.ts); absent on records written before it. */
  fingerprint?: string;
}

export interface PlaceOrderRequest {
  order: Order;
  /** When the order was taken (ISO 8601). */
  at: string;
  /** The outbox written with the order when every line is reserved. */
  outboxIfPlaced: OutboxEntry[];
  /** The outbox written with the cancelled order when some line is short. */
  outboxIfCancelled: OutboxEntry[];
  /** Kept with the record, so that a later message with the same id and other content can be told apart. */
  fingerprint: string;
}

export type PlaceOrderResult =
  | { outcome: 'placed' }
  /** Recorded as CANCELLED_INSUFFICIENT_INVENTORY; stock untouched. */
  | { outcome: 'insufficient'; short: ShortLine[] }
  /**
   * This order id was already recorded: nothing changed. `fingerprint` is the recorded one (absent
   * for a record written before fingerprints); the caller compares it with its own.
   */
  | { outcome: 'duplicate'; status: OrderStatus; fingerprint?: string };

/** A lease on one outbox entry: whoever holds it, unexpired, is the one relay that sends it. */
export interface EntryClaim {
  /** Unique per relay call. */
  owner: string;
  /** Now (ISO 8601): a lease whose `until` is not after it has expired. */
  at: string;
  /** When the lease expires (ISO 8601). */
  until: string;
}

/** One order with at least one outbox entry pending since `pending_since` (its placed_at). */
export interface PendingOrder {
  order_id: string;
  pending_since: string;
}

export interface PendingOutboxQuery {
  /** Only entries pending since strictly before this time (ISO 8601). */
  before: string;
  /** At most this many rows per page (1-1000). */
  limit: number;
  /** From the previous page; absent for the first. */
  cursor?: string;
}

export interface PendingOutboxPage {
  /**
   * Oldest first. An order is listed once per page, but when its entries straddle two pages it
   * may be listed on both: callers relay idempotently anyway.
   */
  orders: PendingOrder[];
  /** Absent on the last page. Opaque. */
  cursor?: string;
}

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
  /**
   * Marks one entry sent (and no longer pending: it leaves the pending index in the same write);
   * marking an entry twice, or an unknown one, is not an error.
   */
  markSent(orderId: string, entryId: string): Promise<void>;
  /**
   * A conditional write of a lease on one pending entry: true when this claim now holds it (the
   * entry is pending and unclaimed, or its lease expired, or `claim.owner` already holds it);
   * false when it is sent, unknown, or another owner's lease runs. Concurrent claims: one wins.
   */
  claimEntry(orderId: string, entryId: string, claim: EntryClaim): Promise<boolean>;
  /** Gives a lease back early (after a failed send), if `owner` still holds it; otherwise nothing. */
  releaseEntry(orderId: string, entryId: string, owner: string): Promise<void>;
  /**
   * Orders with outbox entries pending since before `query.before`, oldest first, a bounded page
   * at a time. Backed by an index of pending entries only (never a scan of every order): a sent
   * entry leaves it in the write that marks it sent.
   */
  pendingOrders(query: PendingOutboxQuery): Promise<PendingOutboxPage>;
}
