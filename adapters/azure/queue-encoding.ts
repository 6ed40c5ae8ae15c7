/**
 * The storage queue message encoding, pinned ONCE in `host.json` (`extensions.queues.messageEncoding`)
 * and read from there, so that every producer (the payments sender, the poison writer, the tests)
 * writes what the queue trigger decodes. `base64` is the host's default and survives any UTF-8
 * text; a mismatch makes the trigger fail every message until it lands in the poison queue.
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue#host-json
 */
import host from './host.json';

export type QueueMessageEncoding = 'base64' | 'none';

export const queueMessageEncoding: QueueMessageEncoding = host.extensions.queues.messageEncoding as QueueMessageEncoding;

/** The deliveries before the host moves a message to `<queue>-poison`. */
export const maxDequeueCount: number = host.extensions.queues.maxDequeueCount;

/** The text of a message as it must be written to the queue. */
export function encodeQueueMessage(text: string, encoding: QueueMessageEncoding = queueMessageEncoding): string {
  return encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text;
}

/** The text of a message read straight from the queue (not through the trigger). */
export function decodeQueueMessage(raw: string, encoding: QueueMessageEncoding = queueMessageEncoding): string {
  return encoding === 'base64' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

/** The poison queue the host moves a message to after `maxDequeueCount` deliveries. */
export function poisonQueueName(queue: string): string {
  return `${queue}-poison`;
}
