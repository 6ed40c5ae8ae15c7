/**
 * orders: place one queued order atomically, then relay its outbox.
 *
 * 1. parse: bad input is a PermanentError, which the adapter dead-letters with its reason;
 * 2. place: ONE ledger call reserves every line and records the order with its outbox, or
 *    records the cancellation, or answers `duplicate` for an order id already recorded; a
 *    duplicate whose content differs (another fingerprint) is another order reusing the id: an
 *    OrderIdReusedError, dead-lettered at once with its reason, the recorded order untouched;
 * 3. relay: whatever the order's outbox still holds is claimed, sent and marked sent (relay.ts).
 * Once the order parses, every other failure is a TransientError: the platform redelivers,
 * placeOrder answers `duplicate`, and the relay finishes the job. If the redeliveries run out (the
 * bus is down longer than the retry budget) the message is dead-lettered, with the order's state
 * (dead-letter.ts), but a recorded order's outbox does not depend on it: the sweeper
 * (sweeper.ts) relays whatever stays pending.
 */
import { performance } from 'node:perf_hooks';
import type { QueueMessage } from '../events';
import { TransientError, reasonOf } from '../errors';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { MessageBus } from '../ports/message-bus';
import type { Order, OrderLedger, OrderStatus, ShortLine } from '../ports/order-ledger';
import type { OrdersSettings } from '../specs';
import { parseOrder as parseOrderMessage } from './message';
import { OrderIdReusedError, orderFingerprint, recordedFingerprint } from './fingerprint';
import { outboxIfCancelled, outboxIfPlaced } from './outbox';
import { relayOutbox } from './relay';

/** The parser's id rule, for front doors that take a product or order id outside a message. */
export { identifierProblem, MAX_ID_LENGTH } from './message';

export interface OrdersDeps {
  ledger: OrderLedger;
  bus: MessageBus;
  clock: Clock;
  logger: Logger;
}

export interface OrderResult {
  order_id: string;
  outcome: 'placed' | 'insufficient' | 'duplicate';
  /** Outbox entries sent by this delivery. */
  relayed: number;
  /** The order's recorded status (for a duplicate, the status recorded the first time). */
  status: OrderStatus;
  /** For `insufficient`, the lines that were short. */
  short_lines?: ShortLine[];
}

/** Parses and validates a message body into an Order; throws PermanentError with the reason. */
export function parseOrder(body: string, settings: OrdersSettings): Order {
  return parseOrderMessage(body, settings);
}

export async function processOrder(message: QueueMessage, deps: OrdersDeps, settings: OrdersSettings): Promise<OrderResult> {
  const started = performance.now();
  const log = deps.logger.child({ function: 'orders', message_id: message.id });
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  let order: Order;
  try {
    order = parseOrder(message.body, settings);
  } catch (err) {
    log.warn('order refused', { outcome: 'refused', reason: reasonOf(err), attempts: message.attempts, duration_ms: elapsed() });
    throw err;
  }
  try {
    const result = await placeAndRelay(order, deps);
    log.info('order processed', {
      order_id: order.order_id,
      outcome: result.outcome,
      status: result.status,
      relayed: result.relayed,
      attempts: message.attempts,
      duration_ms: elapsed(),
    });
    return result;
  } catch (err) {
    const reason = reasonOf(err);
    if (err instanceof OrderIdReusedError) {
      log.warn('order refused', { order_id: order.order_id, outcome: 'refused', reason, attempts: message.attempts, duration_ms: elapsed() });
      throw err;
    }
    log.error('order failed, left for redelivery', {
      order_id: order.order_id,
      outcome: 'failed',
      reason,
      attempts: message.attempts,
      duration_ms: elapsed(),
    });
    // a store or bus that calls its own failure permanent must still not dead-letter an order
    // that may already be recorded: only a redelivery can finish its relay
    if (err instanceof TransientError) throw err;
    throw new TransientError(`order ${order.order_id}: ${reason}`, { cause: err });
  }
}

async function placeAndRelay(order: Order, deps: OrdersDeps): Promise<OrderResult> {
  const at = deps.clock.now().toISOString();
  const fingerprint = orderFingerprint(order);
  const placed = await deps.ledger.placeOrder({
    order,
    at,
    outboxIfPlaced: outboxIfPlaced(order, at),
    outboxIfCancelled: outboxIfCancelled(order, at),
    fingerprint,
  });
  if (placed.outcome === 'duplicate') {
    const recorded = placed.fingerprint ?? (await recordedFingerprint(deps.ledger, order.order_id));
    if (recorded !== undefined && recorded !== fingerprint) throw new OrderIdReusedError(order.order_id);
  }
  const relay = { ledger: deps.ledger, bus: deps.bus, clock: deps.clock };
  switch (placed.outcome) {
    case 'placed':
      return { order_id: order.order_id, outcome: 'placed', status: 'PLACED', relayed: (await relayOutbox(order.order_id, relay)).relayed };
    case 'insufficient':
      return {
        order_id: order.order_id,
        outcome: 'insufficient',
        status: 'CANCELLED_INSUFFICIENT_INVENTORY',
        short_lines: placed.short,
        relayed: (await relayOutbox(order.order_id, relay, placed.short)).relayed,
      };
    case 'duplicate': {
      // the short lines of a cancellation live in the order record, written in the same step
      const short =
        placed.status === 'CANCELLED_INSUFFICIENT_INVENTORY'
          ? (await deps.ledger.getOrder(order.order_id))?.short_lines
          : undefined;
      return {
        order_id: order.order_id,
        outcome: 'duplicate',
        status: placed.status,
        relayed: (await relayOutbox(order.order_id, relay, short)).relayed,
      };
    }
  }
}
