/**
 * The orders function's local entry point: a delivery from the `orders` queue (fed by
 * `POST /orders`) is placed and relayed by the core.
 */
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import type { MessageBus } from '../../handlers/ports/message-bus';
import { processOrder, type OrderResult } from '../../handlers/orders';
import { ordersDeadLetter } from '../../handlers/orders/dead-letter';
import { toQueueMessage } from './events/queue-message';
import type { ReceivedMessage } from './queue';
import type { LocalPorts } from './wiring';

/** The ports it uses; the bus as the port, so a test can put a failing one in. */
export type OrdersEntryPorts = Pick<LocalPorts, 'ledger' | 'clock' | 'logger' | 'settings'> & { bus: MessageBus };

export function ordersEntry(ports: OrdersEntryPorts) {
  return {
    handle(message: ReceivedMessage): Promise<OrderResult> {
      // the core names the function on its own lines
      const logger = ports.logger.child({ correlation_id: message.id });
      return processOrder(toQueueMessage(message), { ledger: ports.ledger, bus: ports.bus, clock: ports.clock, logger }, ports.settings.orders);
    },
    /** With the order's state (recorded? pending entries?) read from the ledger. */
    envelope(message: ReceivedMessage, reason: string, at: Date): Promise<DeadLetter> {
      return ordersDeadLetter(ports.ledger, message.body, reason, message.receiveCount, at);
    },
  };
}
