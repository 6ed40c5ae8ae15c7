/**
 * Relaying an order's outbox: every entry still pending is sent, then marked sent, one at a
 * time in the order written. A crash between the send and the mark sends that entry again on
 * redelivery: at least once, never lost, and every message carries `order_id` for its consumer
 * to deduplicate on (no standard queue or topic deduplicates a publish for us).
 */
import type { MessageBus } from '../ports/message-bus';
import type { OrderLedger, OutboxEntry, ShortLine } from '../ports/order-ledger';
import { EVENTS_CHANNEL, PAYMENTS_CHANNEL } from './channels';
import { withShortLines } from './outbox';

export interface RelayDeps {
  ledger: OrderLedger;
  bus: MessageBus;
}

/**
 * Sends the pending entries of `orderId` and returns how many this call sent. `short` fills the
 * ORDER_CANCELLED event's `short_lines`; a failure propagates with the rest left pending.
 */
export async function relayOutbox(orderId: string, deps: RelayDeps, short?: readonly ShortLine[]): Promise<number> {
  const pending = await deps.ledger.pendingOutbox(orderId);
  let relayed = 0;
  for (const stored of pending) {
    const entry = withShortLines(stored, short);
    await deliver(orderId, entry, deps.bus);
    await deps.ledger.markSent(orderId, entry.entry_id);
    relayed++;
  }
  return relayed;
}

async function deliver(orderId: string, entry: OutboxEntry, bus: MessageBus): Promise<void> {
  switch (entry.channel) {
    case PAYMENTS_CHANNEL:
      return bus.send(PAYMENTS_CHANNEL, entry.body, { dedupKey: orderId, attributes: entry.attributes });
    case EVENTS_CHANNEL:
      return bus.publish(EVENTS_CHANNEL, entry.body, { attributes: entry.attributes });
    default: {
      const unknown: never = entry.channel;
      throw new Error(`outbox entry ${entry.entry_id} of order ${orderId} names no known channel: ${String(unknown)}`);
    }
  }
}
