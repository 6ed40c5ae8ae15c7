/**
 * orders on Azure Functions: a storage queue trigger on the orders queue (its name from the
 * ORDERS_QUEUE app setting; registered by ./triggers.ts, which loads this module on the first
 * message). A transient failure throws: the host makes the message visible
 * again and, after host.json `maxDequeueCount` deliveries, moves it to `<queue>-poison`.
 * A permanent failure (a malformed order) is written to `<queue>-poison` at once with its
 * reason, and the message completes.
 */
import type { InvocationContext } from '@azure/functions';
import { deadLetterForMessage, onFailure } from '../../handlers/delivery';
import { processOrder, type OrderResult } from '../../handlers/orders';
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
    if (failure.action === 'retry') {
      log.error('failed; the host retries', { reason: failure.reason });
      throw err;
    }
    await ports.deadLetters.record(deadLetterForMessage('orders', message.body, failure.reason, message.attempts, systemClock.now()));
    log.warn('dead-lettered', { reason: failure.reason });
    return undefined;
  }
}
