/**
 * The outbox sweeper on Azure Functions: a timer trigger in the same function app, on the NCRONTAB
 * schedule in the ORDERS_SWEEP_SCHEDULE app setting (a `%name%` binding expression, resolved by the
 * host: https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions
 * and #configuration). The Pulumi program writes the setting from `outboxSweepMinutes`
 * (infra/azure/outbox-sweeper.ts). A sweep that throws is logged by the host; the next tick tries again.
 * On a scaled-out app the host's singleton lock runs one instance of a timer function at a time.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { sweepOutbox, type SweepResult } from '../../handlers/orders/sweeper';
import { systemClock } from '../../handlers/ports/clock';
import { readSettings } from '../../handlers/settings';
import { ordersSpec } from '../../handlers/specs';
import { azureEnvironment } from './environment';
import { currentSettings, logger, ordersPorts } from './wiring';

export const OUTBOX_SWEEP_FUNCTION = 'outboxSweep';

export async function outboxSweepHandler(timer: Timer, context: InvocationContext): Promise<SweepResult> {
  const log = logger().child({ invocation_id: context.invocationId, past_due: timer.isPastDue });
  const ports = ordersPorts();
  return sweepOutbox({ ledger: ports.ledger, bus: ports.bus, clock: systemClock, logger: log }, readSettings(ordersSpec, currentSettings()));
}

app.timer(OUTBOX_SWEEP_FUNCTION, {
  schedule: `%${azureEnvironment.orders.sweepSchedule}%`,
  handler: outboxSweepHandler,
});
