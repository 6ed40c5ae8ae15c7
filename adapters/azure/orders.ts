/**
 * orders on Azure Functions: a storage queue trigger on the orders queue (its name from the
 * ORDERS_QUEUE app setting; registered by ./triggers.ts, which loads this module on the first
 * message). A transient failure throws: the host makes the message visible
 * again and, after host.json `maxDequeueCount` deliveries, moves it to `<queue>-poison`.
 * A permanent failure (a malformed order) is written to `<queue>-poison` at once with its
 * reason, and the message completes.
 */
import type { InvocationContext } from '@azure/functions';
import { onFailure } from '../../handlers/delivery';
import { processOrder, type OrderResult } from '../../handlers/orders';
import { ordersDeadLetter } from '../../handlers/orders/dead-letter';
import { systemClock } from '../../handlers/ports/clock';
import { readSettings } from '../../handlers/settings';
import { ordersSpec } from '../../handlers/specs';
import { fromQueueTrigger, type QueueTriggerMetadata } from './events/queue-message';
import { currentSettings, logger, ordersPorts } from './wiring';

export async function ordersHandler(item: unknown, context: InvocationContext): Promise<OrderResult | undefined> {
  const message = fromQueueTrigger(item, context.triggerMetadata as QueueTriggerMetadata, context.invocationId);
  const log = logger().child({ function: 'orders', invocation_id: context.invocationId, message_id: message.id, attempt: message.attempts });
  const ports = ordersPorts();
  const settings = readSettings(ordersSpec, currentSettings());
  try {
    const result = await processOrder(message, { ledger: ports.ledger, bus: ports.bus, clock: systemClock, logger: log }, settings);
    return result;
  } catch (err) {
    const failure = onFailure(err);
    // The last delivery the host allows (maxDequeueCount is maxDeliveries): write the dead letter
    // here, with the order's state, rather than let the host move the bare message.
    if (failure.action === 'retry' && message.attempts < settings.maxDeliveries) {
      log.error('failed; the host retries', { reason: failure.reason });
      throw err;
    }
    await ports.deadLetters.record(await ordersDeadLetter(ports.ledger, message.body, failure.reason, message.attempts, systemClock.now()));
    log.warn('dead-lettered', { reason: failure.reason });
    return undefined;
  }
}

// The outbox sweeper's timer runs in the orders bundle: it needs the same ledger and bus, and no
// SDK the queue trigger does not load already (./triggers.ts registers it).
export { outboxSweepHandler } from './outbox-sweep';
