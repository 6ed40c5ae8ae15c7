/**
 * The outbox sweeper on the local runtime: a timer next to the queue workers that runs the core's
 * sweep (handlers/orders/sweeper.ts) every `LOCAL_OUTBOX_SWEEP_SECONDS` (300 by default, as the
 * stacks' `outboxSweepMinutes` default of 5), one run at a time. A run that fails is logged; the
 * next tick tries again. `stop()` waits for a run in progress, so the database is not closed under it.
 */
import { reasonOf } from '../../handlers/errors';
import { sweepOutbox, type SweepResult } from '../../handlers/orders/sweeper';
import type { OrdersEntryPorts } from './orders';

export const SWEEP_INTERVAL_SETTING = 'LOCAL_OUTBOX_SWEEP_SECONDS';
const DEFAULT_INTERVAL_SECONDS = 300;

/** The interval from the environment map; a value that is not a positive number is refused. */
export function sweepIntervalMs(env: Record<string, string | undefined>): number {
  const raw = env[SWEEP_INTERVAL_SETTING];
  if (raw === undefined || raw === '') return DEFAULT_INTERVAL_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${SWEEP_INTERVAL_SETTING} must be a positive number of seconds, got ${JSON.stringify(raw)}`);
  return seconds * 1000;
}

export class OutboxSweepTimer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult | undefined> | undefined;

  constructor(
    private readonly ports: OrdersEntryPorts,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
  }

  /** One sweep now, unless one is running (then that one's result). */
  sweep(): Promise<SweepResult | undefined> {
    this.running ??= sweepOutbox(
      { ledger: this.ports.ledger, bus: this.ports.bus, clock: this.ports.clock, logger: this.ports.logger },
      this.ports.settings.orders,
    )
      .catch((err: unknown) => {
        this.ports.logger.error('outbox sweep failed; the next tick tries again', { reason: reasonOf(err) });
        return undefined;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
