/**
 * What an adapter does with a failed delivery, decided once for every cloud.
 */
import { isPermanent, reasonOf } from './errors';
import type { DeadLetter } from './ports/dead-letters';

export type FailureAction =
  /** Bad input: write a dead letter now and acknowledge; a retry can only fail again. */
  | { action: 'dead-letter'; reason: string }
  /** Let the platform retry; its own dead-letter path takes over after its maximum attempts. */
  | { action: 'retry'; reason: string };

export function onFailure(err: unknown): FailureAction {
  return isPermanent(err) ? { action: 'dead-letter', reason: reasonOf(err) } : { action: 'retry', reason: reasonOf(err) };
}

/** The envelope for a queue message that failed. */
export function deadLetterForMessage(
  fn: DeadLetter['function'],
  body: string,
  reason: string,
  attempts: number,
  at: Date,
): DeadLetter {
  return { function: fn, reason, attempts, failed_at: at.toISOString(), message: body };
}

/** The envelope for an uploaded object that failed. */
export function deadLetterForObject(
  object: { bucket: string; key: string; etag?: string },
  reason: string,
  attempts: number,
  at: Date,
): DeadLetter {
  const letter: DeadLetter = {
    function: 'images',
    reason,
    attempts,
    failed_at: at.toISOString(),
    bucket: object.bucket,
    object_key: object.key,
  };
  if (object.etag) letter.etag = object.etag;
  return letter;
}
