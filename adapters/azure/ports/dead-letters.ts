/**
 * Dead letters the adapters write themselves, for permanent failures (a retry can only fail
 * again). Transient failures are left to the platform: the queue trigger moves a message to
 * `<queue>-poison` after maxDequeueCount, Event Grid writes to its dead-letter container.
 * - orders: the envelope goes to the same `<queue>-poison` queue, in the pinned encoding, so that
 *   every failed order is found in one place. A queue message holds at most 64 KiB, and the
 *   envelope (the message as a JSON string, its reason, then base64) can outgrow a message that
 *   itself fitted: such an envelope is written whole to the orders dead-letter container, and the
 *   poison queue gets the envelope without `message`, pointing at it (`message_blob`). Nothing is
 *   cut, and the host never has to poison the original without our reason.
 * - images: the envelope is a JSON blob in the dead-letter container, named by time and object.
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { QueueClient } from '@azure/storage-queue';
import { createHash } from 'node:crypto';
import type { DeadLetter, DeadLetterSink } from '../../../handlers/ports/dead-letters';
import { encodeQueueMessage } from '../queue-encoding';
import { statusOf } from '../table-keys';

/**
 * The largest queue message, as sent (after encoding): 64 KiB.
 * https://learn.microsoft.com/rest/api/storageservices/put-message
 */
export const MAX_QUEUE_MESSAGE_BYTES = 64 * 1024;

/** A reason longer than this is cut in the poison-queue pointer; the blob keeps it whole. */
const POINTER_REASON_CHARS = 4096;

export class PoisonQueueDeadLetters implements DeadLetterSink {
  /**
   * `overflow` is built when a letter first needs it: the orders function then loads Storage Blob
   * (the largest of the SDKs it would otherwise load, see adapters/azure/sdk.ts) only for a
   * letter too large for the queue.
   */
  constructor(
    private readonly poisonQueue: QueueClient,
    private readonly overflow: () => ContainerDeadLetters,
  ) {}

  async record(letter: DeadLetter): Promise<void> {
    let text = encodeQueueMessage(JSON.stringify(letter));
    if (Buffer.byteLength(text) > MAX_QUEUE_MESSAGE_BYTES) {
      const { message: _moved, ...rest } = letter;
      const reason = rest.reason.length > POINTER_REASON_CHARS ? `${rest.reason.slice(0, POINTER_REASON_CHARS)}…` : rest.reason;
      text = encodeQueueMessage(JSON.stringify({ ...rest, reason, message_blob: await this.overflow().write(letter) }));
    }
    // A message in the poison queue lives 7 days unless told otherwise; -1 keeps it until read.
    const send = () => this.poisonQueue.sendMessage(text, { messageTimeToLive: -1 });
    try {
      await send();
    } catch (err) {
      // The host creates `<queue>-poison` only when it first moves a message there.
      if (statusOf(err) !== 404) throw err;
      await this.poisonQueue.createIfNotExists();
      await send();
    }
  }
}

export class ContainerDeadLetters implements DeadLetterSink {
  constructor(private readonly container: ContainerClient) {}

  async record(letter: DeadLetter): Promise<void> {
    await this.write(letter);
  }

  /** Writes the envelope as a JSON blob and answers `<container>/<blob>`. */
  async write(letter: DeadLetter): Promise<string> {
    const name = `${letter.function}/${letter.failed_at}/${letter.object_key ?? messageBlobName(letter.message ?? '')}.json`;
    const text = JSON.stringify(letter);
    await this.container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    return `${this.container.containerName}/${name}`;
  }
}

/** Two messages dead-lettered in the same millisecond get two blobs: named by their content. */
function messageBlobName(message: string): string {
  return `message-${createHash('sha256').update(message).digest('hex').slice(0, 16)}`;
}
