/**
 * Relaying an order's outbox: every entry still pending is claimed, sent, then marked sent, one at
 * a time in the order written.
 *
 * The claim is a conditional write of a short lease on the entry (`OrderLedger.claimEntry`): of
 * two relays of one order running at once (a redelivery racing the original, the sweeper racing a
 * delivery, a replayed dead letter) one holds the entry and sends it; the other skips it, sure
 * that the holder sends it or, if the holder dies, that the lease runs out and the sweeper sends
 * it. A send that fails gives the lease back at once, so the platform's retry need not wait for it.
 *
 * At least once, never lost: a crash between the send and the mark (the holder dies after sending)
 * sends that entry again after the lease. A duplicate then needs a crash, not just concurrency, and
 * every message carries `order_id` for its consumer to deduplicate on (no standard queue or topic
 * deduplicates a publish for us).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../ports/clock';
import type { MessageBus } from '../ports/message-bus';
import type { OrderLedger, OutboxEntry, ShortLine } from '../ports/order-ledger';
import { ordersSpec } from '../specs';
import { EVENTS_CHANNEL, PAYMENTS_CHANNEL } from './channels';
import { withShortLines } from './outbox';

/**
 * How long a claim holds an entry: twice the orders function's timeout, so that a relay still
 * running (its invocation not yet timed out) never loses its entry to another, while an entry whose
 * relay died is free again a minute later, well inside the sweeper's grace period.
 */
export const RELAY_LEASE_MS = 2 * ordersSpec.timeoutSeconds * 1000;

export interface RelayDeps {
  ledger: OrderLedger;
  bus: MessageBus;
  clock: Clock;
}

export interface RelayResult {
  /** Entries this call sent. */
  relayed: number;
  /** Pending entries another relay held (it sends them, or the sweeper does after its lease). */
  held: number;
}

/**
 * Sends the pending entries of `orderId` that this call can claim. `short` fills the
 * ORDER_CANCELLED event's `short_lines`; a failure propagates with that entry released and the
 * rest left pending.
 */
export async function relayOutbox(orderId: string, deps: RelayDeps, short?: readonly ShortLine[]): Promise<RelayResult> {
  const owner = randomUUID();
  const pending = await deps.ledger.pendingOutbox(orderId);
  const result: RelayResult = { relayed: 0, held: 0 };
  for (const stored of pending) {
    const now = deps.clock.now();
    const claim = { owner, at: now.toISOString(), until: new Date(now.getTime() + RELAY_LEASE_MS).toISOString() };
    if (!(await deps.ledger.claimEntry(orderId, stored.entry_id, claim))) {
      result.held++;
      continue;
    }
    const entry = withShortLines(stored, short);
    try {
      await deliver(orderId, entry, deps.bus);
      await deps.ledger.markSent(orderId, entry.entry_id);
    } catch (err) {
      // best effort: if this fails too, the lease simply runs out
      await deps.ledger.releaseEntry(orderId, entry.entry_id, owner).catch(() => undefined);
      throw err;
    }
    result.relayed++;
  }
  return result;
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
