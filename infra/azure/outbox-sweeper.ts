/**
 * The outbox sweeper on Azure: the timer trigger lives in the function app's code
 * (adapters/azure/outbox-sweep.ts); the stack gives it its schedule through one app setting.
 *
 * Rules (docs/deploy-rules.md, "outbox sweeper"):
 * - a timer trigger's schedule is an NCRONTAB expression of SIX fields, seconds first
 *   (`{second} {minute} {hour} {day} {month} {day-of-week}`), and may name an app setting as
 *   `%NAME%` (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions);
 * - `*\/N` in the minute field fires at the minutes divisible by N, restarting each hour: an
 *   interval that does not divide 60 (7) has one shorter gap per hour, which only sweeps earlier;
 * - the timer needs no role of its own: the host keeps the schedule's state in its own storage
 *   (AzureWebJobsStorage, already granted), and the sweep uses the orders ledger and bus the app's
 *   identity already holds. Least privilege therefore adds nothing here.
 */
import { azureEnvironment } from '../../adapters/azure/environment';

/** Every `minutes` minutes, on the minute: `0 *\/5 * * * *`; every minute: `0 * * * * *`. */
export function sweepSchedule(minutes: number): string {
  return minutes === 1 ? '0 * * * * *' : `0 */${minutes} * * * *`;
}

/** The app settings the sweeper's timer reads. */
export function outboxSweeperSettings(everyMinutes: number): Record<string, string> {
  return { [azureEnvironment.orders.sweepSchedule]: sweepSchedule(everyMinutes) };
}
