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
import type { Order } from '../ports/order-ledger';

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
