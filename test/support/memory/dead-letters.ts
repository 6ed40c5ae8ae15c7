/** An in-memory DeadLetterSink for unit tests (not shipped). */
import type { DeadLetter, DeadLetterSink } from '../../../handlers/ports/dead-letters';

export class MemoryDeadLetters implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  async record(letter: DeadLetter) {
    this.letters.push(letter);
  }
}
