/**
 * Dead letters the adapters write themselves, for permanent failures (a retry can only fail
 * again). Transient failures are left to the platform: the queue trigger moves a message to
 * `<queue>-poison` after maxDequeueCount, Event Grid writes to its dead-letter container.
 * - orders: the envelope goes to the same `<queue>-poison` queue, in the pinned encoding, so that
 *   every failed order is found in one place.
 * - images: the envelope is a JSON blob in the dead-letter container, named by time and object.
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { QueueClient } from '@azure/storage-queue';
import type { DeadLetter, DeadLetterSink } from '../../../handlers/ports/dead-letters';
import { encodeQueueMessage } from '../queue-encoding';
import { statusOf } from '../table-keys';

export class PoisonQueueDeadLetters implements DeadLetterSink {
  constructor(private readonly poisonQueue: QueueClient) {}

  async record(letter: DeadLetter): Promise<void> {
    // A message in the poison queue lives 7 days unless told otherwise; -1 keeps it until read.
    const send = () => this.poisonQueue.sendMessage(encodeQueueMessage(JSON.stringify(letter)), { messageTimeToLive: -1 });
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
    const name = `${letter.function}/${letter.failed_at}/${letter.object_key ?? 'message'}.json`;
    const text = JSON.stringify(letter);
    await this.container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  }
}
