/**
 * The outbox sweeper: the relay that does not depend on the original message. On a schedule
 * (EventBridge Scheduler on AWS, a timer trigger on Azure, Cloud Scheduler on Google Cloud, a timer
 * in the local worker) it lists the orders whose outbox entries have been pending longer than a
 * grace period and relays them through the same `relayOutbox` the orders function uses.
 *
 * Why it is needed: once an order is recorded, only a redelivery of its message could finish its
 * relay, and the platform dead-letters that message after `maxDeliveries` failures. If the bus is
 * down for longer than that retry budget, the order stays PLACED with its payment request unsent.
 * The sweeper sends it once the bus is back, without anyone replaying anything.
 *
 * Why a grace period: an entry younger than it is most likely being relayed right now by the
 * delivery that recorded it; the claims (leases) make a race harmless, the grace keeps it rare.
 * The grace is longer than a relay's lease, so an entry claimed by a relay that died is free again
 * by the time the sweeper looks at it.
 *
 * Bounded: at most `sweepMaxOrders` orders per run, `SWEEP_CONCURRENCY` at a time, and a run
 * stops early when the bus keeps failing (it is still down; the next run tries again).
 */
import { reasonOf } from '../errors';
import type { Logger } from '../ports/logger';
import type { OrdersSettings } from '../specs';
import { relayOutbox, RELAY_LEASE_MS, type RelayDeps } from './relay';

export interface SweepDeps extends RelayDeps {
  logger: Logger;
}

export type SweepSettings = Pick<OrdersSettings, 'sweepGraceSeconds' | 'sweepMaxOrders'>;

export interface SweepResult {
  /** Entries pending since before this time were looked at (ISO 8601). */
  before: string;
  /** Orders whose relay was attempted. */
  orders: number;
  /** Entries sent by this run. */
  relayed: number;
  /** Entries another relay held (it sends them, or the next run does after its lease). */
  held: number;
  /** Orders whose relay failed (left pending for the next run). */
  failed: number;
  /** True when the run stopped with pending orders left: its cap, or a bus that kept failing. */
  incomplete: boolean;
}

/** Relays at once; each relay is a few small writes and sends. */
const SWEEP_CONCURRENCY = 8;
/** Orders per page of the pending index. */
const PAGE_SIZE = 100;
/** Consecutive failed relays after which the run stops: the bus is still down. */
const GIVE_UP_AFTER_FAILURES = 5;

export async function sweepOutbox(deps: SweepDeps, settings: SweepSettings): Promise<SweepResult> {
  const now = deps.clock.now();
  const graceMs = Math.max(settings.sweepGraceSeconds * 1000, RELAY_LEASE_MS);
  const before = new Date(now.getTime() - graceMs).toISOString();
  const log = deps.logger.child({ function: 'orders', trigger: 'outbox-sweep' });
  const result: SweepResult = { before, orders: 0, relayed: 0, held: 0, failed: 0, incomplete: false };
  const seen = new Set<string>();
  let consecutiveFailures = 0;
  let cursor: string | undefined;
  sweep: do {
    const page = await deps.ledger.pendingOrders({ before, limit: PAGE_SIZE, cursor });
    cursor = page.cursor;
    const todo = page.orders.map((o) => o.order_id).filter((id) => !seen.has(id) && seen.add(id));
    for (let i = 0; i < todo.length; ) {
      if (result.orders >= settings.sweepMaxOrders || consecutiveFailures >= GIVE_UP_AFTER_FAILURES) {
        result.incomplete = true;
        break sweep;
      }
      const batch = todo.slice(i, i + Math.min(SWEEP_CONCURRENCY, settings.sweepMaxOrders - result.orders));
      i += batch.length;
      await Promise.all(
        batch.map(async (orderId) => {
          result.orders++;
          try {
            const record = await deps.ledger.getOrder(orderId);
            const relay = await relayOutbox(orderId, deps, record?.short_lines);
            result.relayed += relay.relayed;
            result.held += relay.held;
            consecutiveFailures = 0;
          } catch (err) {
            result.failed++;
            consecutiveFailures++;
            log.warn('outbox relay failed, left for the next sweep', { order_id: orderId, reason: reasonOf(err) });
          }
        }),
      );
    }
  } while (cursor);
  log.info('outbox swept', { ...result });
  return result;
}

/**
 * The body every scheduler sends to ask for a sweep (EventBridge Scheduler's `Input`, Cloud
 * Scheduler's HTTP body): one shape, so an orders entry point tells it from a queue delivery.
 */
export const SWEEP_REQUEST = { sweep: 'outbox' } as const;

export function isSweepRequest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { sweep?: unknown }).sweep === SWEEP_REQUEST.sweep;
}
