/**
 * An orders dead letter that says what state the order is in. A letter written by an entry point
 * (a permanent failure, or the last delivery the platform allows) reads the ledger first: whether
 * the order is recorded, its status, and which outbox entries are still pending. A message whose
 * order id cannot be read (not JSON, no string `order_id`) carries no state; a ledger that cannot be
 * read gives status UNKNOWN with the reason, and the letter is still written.
 */
import { deadLetterForMessage } from '../delivery';
import { reasonOf } from '../errors';
import type { DeadLetter, DeadLetterOrderState } from '../ports/dead-letters';
import type { OrderLedger } from '../ports/order-ledger';

/** The `order_id` of a message body, if it has a string one. */
export function orderIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { order_id?: unknown } | null)?.order_id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

export async function orderState(ledger: Pick<OrderLedger, 'getOrder' | 'pendingOutbox'>, orderId: string): Promise<DeadLetterOrderState> {
  try {
    const record = await ledger.getOrder(orderId);
    if (!record) return { order_id: orderId, status: 'NOT_RECORDED', pending_entries: [] };
    const pending = await ledger.pendingOutbox(orderId);
    return { order_id: orderId, status: record.status, pending_entries: pending.map((e) => e.entry_id) };
  } catch (err) {
    return { order_id: orderId, status: 'UNKNOWN', pending_entries: [], error: reasonOf(err) };
  }
}

/** The shared envelope of an orders message, with its order's state when its id can be read. */
export async function ordersDeadLetter(
  ledger: Pick<OrderLedger, 'getOrder' | 'pendingOutbox'>,
  body: string,
  reason: string,
  attempts: number,
  at: Date,
): Promise<DeadLetter> {
  const letter = deadLetterForMessage('orders', body, reason, attempts, at);
  const id = orderIdOf(body);
  if (id !== undefined) letter.order = await orderState(ledger, id);
  return letter;
}
