/** A delivery from a local queue to the neutral QueueMessage. */
import type { QueueMessage } from '../../../handlers/events';
import type { ReceivedMessage } from '../queue';

export function toQueueMessage(message: ReceivedMessage): QueueMessage {
  return { id: message.id, body: message.body, attempts: message.receiveCount, attributes: { ...message.attributes } };
}
