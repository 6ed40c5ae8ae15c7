/**
 * The orders function's local entry point: a delivery from the `orders` queue (fed by
 * `POST /orders`) is placed and relayed by the core.
 */
import { deadLetterForMessage } from '../../handlers/delivery';
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import { processOrder, type OrderResult } from '../../handlers/orders';
import { toQueueMessage } from './events/queue-message';
import type { ReceivedMessage } from './queue';
import type { LocalPorts } from './wiring';

export function ordersEntry(ports: LocalPorts) {
  return {
    handle(message: ReceivedMessage): Promise<OrderResult> {
      // the core names the function on its own lines
      const logger = ports.logger.child({ correlation_id: message.id });
      return processOrder(toQueueMessage(message), { ledger: ports.ledger, bus: ports.bus, clock: ports.clock, logger }, ports.settings.orders);
    },
    envelope(message: ReceivedMessage, reason: string, at: Date): DeadLetter {
      return deadLetterForMessage('orders', message.body, reason, message.receiveCount, at);
    },
  };
}
