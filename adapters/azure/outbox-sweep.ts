/**
 * The outbox sweeper on Azure Functions: a timer trigger in the same function app, on the NCRONTAB
 * schedule in the ORDERS_SWEEP_SCHEDULE app setting (a `%name%` binding expression, resolved by the
 * host: https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions
 * and #configuration). The Pulumi program writes the setting from `outboxSweepMinutes`
 * (infra/azure/outbox-sweeper.ts). A sweep that throws is logged by the host; the next tick tries again.
 * On a scaled-out app the host's singleton lock runs one instance of a timer function at a time.
 * ./triggers.ts registers the timer; the handler is loaded with the orders bundle (./orders.ts).
 */
import type { InvocationContext, Timer } from '@azure/functions';
import { sweepOutbox, type SweepResult } from '../../handlers/orders/sweeper';
import { systemClock } from '../../handlers/ports/clock';
import { readSettings } from '../../handlers/settings';
import { ordersSpec } from '../../handlers/specs';
import { currentSettings, logger, ordersPorts } from './wiring';

export { OUTBOX_SWEEP_FUNCTION } from './triggers';

export async function outboxSweepHandler(timer: Timer, context: InvocationContext): Promise<SweepResult> {
  const log = logger().child({ invocation_id: context.invocationId, past_due: timer.isPastDue });
  const ports = ordersPorts();
  return sweepOutbox({ ledger: ports.ledger, bus: ports.bus, clock: systemClock, logger: log }, readSettings(ordersSpec, currentSettings()));
}
