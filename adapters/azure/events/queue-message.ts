/**
 * Storage queue trigger item + trigger metadata -> the neutral QueueMessage. Pure: no I/O.
 * The host has already decoded the pinned encoding (host.json `messageEncoding`).
 * `dequeueCount` is the delivery count, this one included.
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger#message-metadata
 *
 * What the item is depends on the binding's `dataType` (@azure/functions 4.x `fromRpcTypedData`):
 * - by default the host sends the text and the library hands over `JSON.parse(text)` when that
 *   succeeds (an object, array, number, boolean, null, or a string for a JSON string literal), the
 *   text itself otherwise. The original text of a JSON message is then NOT available anywhere:
 *   `context.triggerMetadata.queueTrigger` is parsed the same way. A parsed value can only be
 *   re-serialised, which loses the sender's spacing, number spelling and duplicate keys, and a
 *   JSON string literal (`"abc"`) cannot be told from the text `abc`;
 * - with `dataType: 'binary'` the host sends bytes and the library hands over a Buffer: the
 *   original text, exactly. ../orders.ts registers the trigger so (see there), and dead letters
 *   then carry what was queued, byte for byte.
 * Both are accepted, so that a host that ignored `dataType` still works (with re-serialised text).
 */
import type { QueueMessage } from '../../../handlers/events';

export interface QueueTriggerMetadata {
  id?: unknown;
  dequeueCount?: unknown;
  insertionTime?: unknown;
}

export function fromQueueTrigger(item: unknown, metadata: QueueTriggerMetadata | undefined, fallbackId: string): QueueMessage {
  const body = Buffer.isBuffer(item)
    ? item.toString('utf8') // dataType binary: the text as queued
    : item instanceof Uint8Array
      ? Buffer.from(item).toString('utf8')
      : typeof item === 'string'
        ? item // text that was not JSON: as queued
        : (JSON.stringify(item) ?? String(item)); // parsed JSON: re-serialised, not the original text
  const count = Number(metadata?.dequeueCount);
  return {
    id: typeof metadata?.id === 'string' ? metadata.id : fallbackId,
    body,
    attempts: Number.isInteger(count) && count > 0 ? count : 1,
  };
}
