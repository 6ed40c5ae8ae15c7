/**
 * Dead letters in the `dead_letters` table, as the shared envelope. The queue moves a message
 * there itself (`LocalQueue.deadLetter`); this sink is for letters an entry point decides on
 * outside a queue delivery.
 */
import type { DeadLetter, DeadLetterSink } from '../../../handlers/ports/dead-letters';
import { whenNotBusy } from '../busy';
import type { Db } from '../database';

export class SqliteDeadLetters implements DeadLetterSink {
  constructor(private readonly db: Db) {}

  async record(letter: DeadLetter): Promise<void> {
    await whenNotBusy(() =>
      this.db
        .prepare('INSERT INTO dead_letters (queue, message_id, envelope, failed_at) VALUES (?, NULL, ?, ?)')
        .run(letter.function, JSON.stringify(letter), letter.failed_at),
    );
  }

  /** Every dead letter with its id (for `POST /dead-letters/{id}/redrive`), newest first. */
  entries(limit = 1000): { id: number; letter: DeadLetter }[] {
    return this.db
      .prepare<[number], { id: number; envelope: string }>('SELECT id, envelope FROM dead_letters ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((r) => ({ id: r.id, letter: JSON.parse(r.envelope) as DeadLetter }));
  }

  /** Every dead letter, newest first. */
  list(limit = 1000): DeadLetter[] {
    return this.db
      .prepare<[number], { envelope: string }>('SELECT envelope FROM dead_letters ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((r) => JSON.parse(r.envelope) as DeadLetter);
  }
}
