/**
 * Storage queue trigger item + trigger metadata -> the neutral QueueMessage. Pure: no I/O.
 * The host has already decoded the pinned encoding (host.json `messageEncoding`) and, when the
 * text is JSON, hands the parsed value over; it is serialised back so the core parses one string.
 * `dequeueCount` is the delivery count, this one included.
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger#message-metadata
 */
import type { QueueMessage } from '../../../handlers/events';

export interface QueueTriggerMetadata {
  id?: unknown;
  dequeueCount?: unknown;
  insertionTime?: unknown;
}

export function fromQueueTrigger(item: unknown, metadata: QueueTriggerMetadata | undefined, fallbackId: string): QueueMessage {
  const body = typeof item === 'string' ? item : Buffer.isBuffer(item) ? item.toString('utf8') : JSON.stringify(item);
  const count = Number(metadata?.dequeueCount);
  return {
    id: typeof metadata?.id === 'string' ? metadata.id : fallbackId,
    body,
    attempts: Number.isInteger(count) && count > 0 ? count : 1,
  };
}
