/**
 * The fingerprint of an order's content, kept with its record. A second message with the same
 * `order_id` and the same fingerprint is a redelivery (a duplicate, acknowledged); one with another
 * fingerprint is another order reusing the id, refused: the way payment APIs treat an idempotency
 * key reused with other parameters (https://docs.stripe.com/api/idempotent_requests).
 *
 * It covers what the order asks for: who, which products and how many, how much, in what currency.
 * Lines are sorted by product (the parser has merged repeats), so the order in which a producer
 * lists them does not make another order.
 */
import { createHash } from 'node:crypto';
import { PermanentError } from '../errors';
import type { Order, OrderLedger } from '../ports/order-ledger';

export function orderFingerprint(order: Order): string {
  const canonical = JSON.stringify([
    order.order_id,
    order.user_id,
    [...order.items].sort((a, b) => (a.product_id < b.product_id ? -1 : a.product_id > b.product_id ? 1 : 0)).map((l) => [l.product_id, l.quantity]),
    order.total_amount,
    order.currency,
  ]);
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** The reason every front door and dead letter gives for a reused order id. */
export function reusedIdReason(orderId: string): string {
  return `order_id ${orderId} already used for a different order`;
}

/**
 * A message whose `order_id` is recorded with other content: no retry can make it valid, so it is
 * dead-lettered at once with this reason (the recorded order and its outbox are left untouched).
 */
export class OrderIdReusedError extends PermanentError {
  constructor(readonly orderId: string) {
    super(reusedIdReason(orderId));
    this.name = 'OrderIdReusedError';
  }
}

/**
 * The fingerprint recorded for `orderId`: the stored one, or (a record written before fingerprints
 * existed) the fingerprint of the stored order; undefined when the id is not recorded.
 */
export async function recordedFingerprint(ledger: Pick<OrderLedger, 'getOrder'>, orderId: string): Promise<string | undefined> {
  const record = await ledger.getOrder(orderId);
  if (!record) return undefined;
  return record.fingerprint ?? orderFingerprint(record.order);
}

/** True when `order.order_id` is already recorded for an order with other content. */
export async function isReusedId(ledger: Pick<OrderLedger, 'getOrder'>, order: Order): Promise<boolean> {
  const recorded = await recordedFingerprint(ledger, order.order_id);
  return recorded !== undefined && recorded !== orderFingerprint(order);
}
