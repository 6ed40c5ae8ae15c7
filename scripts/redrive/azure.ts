/**
 * Azure orders: the poison queue (`<orders>-poison`) back to the orders queue, in the encoding the
 * queue trigger decodes (host.json messageEncoding, adapters/azure/queue-encoding.ts). The host's
 * letters are the original message, already encoded; ours are envelopes, whose original is in
 * `message` or, for a letter too large for a queue message, in the blob `message_blob` names.
 * Each copy is sent before its letter is deleted (with the pop receipt of this receive).
 */
import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import { decodeQueueMessage, encodeQueueMessage, poisonQueueName } from '../../adapters/azure/queue-encoding';
import { contentOf, describe, isEnvelope, type Moved, type RedriveOptions } from './letters';

export interface AzureOrdersTarget {
  ordersQueue: string;
}

async function blobText(blobs: BlobServiceClient | undefined, pointer: string): Promise<string | undefined> {
  if (!blobs) return undefined;
  const slash = pointer.indexOf('/');
  const body = await blobs.getContainerClient(pointer.slice(0, slash)).getBlobClient(pointer.slice(slash + 1)).downloadToBuffer();
  const letter: unknown = JSON.parse(body.toString('utf8'));
  return isEnvelope(letter) && typeof letter.message === 'string' ? letter.message : undefined;
}

export async function redriveAzureOrders(
  queues: QueueServiceClient,
  blobs: BlobServiceClient | undefined,
  target: AzureOrdersTarget,
  options: RedriveOptions,
): Promise<Moved[]> {
  const poison = queues.getQueueClient(poisonQueueName(target.ordersQueue));
  const orders = queues.getQueueClient(target.ordersQueue);
  const report: Moved[] = [];
  const seen = new Set<string>();
  if (!(await poison.exists())) return report; // the host creates it with its first letter
  while (report.length < options.limit) {
    const { receivedMessageItems } = await poison.receiveMessages({
      numberOfMessages: Math.min(32, options.limit - report.length),
      visibilityTimeout: 60,
    });
    const items = receivedMessageItems.filter((m) => !seen.has(m.messageId));
    if (items.length === 0) break;
    for (const m of items) {
      seen.add(m.messageId);
      const content = contentOf(decodeQueueMessage(m.messageText));
      const original = content.original ?? (content.blob ? await blobText(blobs, content.blob) : undefined);
      if (original === undefined) {
        report.push(describe(m.messageId, content, 'skipped: the letter holds no message'));
        continue;
      }
      if (options.dryRun) {
        report.push(describe(m.messageId, { ...content, original }, 'would move'));
        continue;
      }
      await orders.sendMessage(encodeQueueMessage(original));
      await poison.deleteMessage(m.messageId, m.popReceipt);
      report.push(describe(m.messageId, { ...content, original }, 'moved'));
    }
  }
  return report;
}
