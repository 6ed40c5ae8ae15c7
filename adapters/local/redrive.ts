/**
 * Replaying one local dead letter: `POST /dead-letters/{id}/redrive` and the console's button.
 * The letter goes back to the queue its function consumes and leaves the dead letters, in ONE
 * SQLite transaction (never both, never neither):
 * - orders: the original message text, as queued (the function is idempotent: a recorded order is
 *   a duplicate, and its pending outbox is relayed);
 * - images: a fresh object-created notification for the object as it is now (its current size and
 *   etag), since the letter keeps the key, not the notification; an object deleted since cannot be
 *   replayed (409).
 * Users dead letters do not exist locally (HTTP answers its caller); any other letter is refused.
 */
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import { orderIdOf } from '../../handlers/orders/dead-letter';
import { localQueues } from './environment';
import { objectCreatedMessage } from './events/object-created';
import { HttpProblem } from './http-kit';
import type { LocalPorts } from './wiring';

export interface Redriven {
  id: number;
  function: DeadLetter['function'];
  queue: string;
  message_id: string;
}

export async function redriveDeadLetter(ports: Pick<LocalPorts, 'db' | 'queue' | 'blobs'>, id: number): Promise<Redriven> {
  const row = ports.db.prepare<[number], { envelope: string }>('SELECT envelope FROM dead_letters WHERE id = ?').get(id);
  if (!row) throw new HttpProblem(404, 'Not Found', `no dead letter ${id}`);
  const letter = JSON.parse(row.envelope) as DeadLetter;
  let queue: string;
  let body: string;
  let attributes: Record<string, string>;
  if (letter.function === 'orders' && typeof letter.message === 'string') {
    queue = localQueues.orders;
    body = letter.message;
    const orderId = orderIdOf(body);
    attributes = orderId ? { order_id: orderId } : {};
  } else if (letter.function === 'images' && letter.bucket && letter.object_key) {
    const head = await ports.blobs.head(letter.bucket, letter.object_key);
    if (!head) throw new HttpProblem(409, 'Conflict', `dead letter ${id}: ${letter.bucket}/${letter.object_key} no longer exists`);
    queue = localQueues.images;
    body = objectCreatedMessage({ bucket: letter.bucket, key: letter.object_key, size: head.size, etag: head.etag ?? '', eventTime: new Date().toISOString() });
    attributes = { bucket: letter.bucket, key: letter.object_key };
  } else {
    throw new HttpProblem(409, 'Conflict', `dead letter ${id} (${letter.function}) carries nothing a queue can take again`);
  }
  const target = ports.queue(queue);
  const messageId = ports.db
    .transaction(() => {
      const removed = ports.db.prepare('DELETE FROM dead_letters WHERE id = ?').run(id).changes;
      if (removed !== 1) throw new HttpProblem(409, 'Conflict', `dead letter ${id} was redriven meanwhile`);
      return target.enqueue(body, attributes);
    })
    .immediate();
  return { id, function: letter.function, queue, message_id: messageId };
}
