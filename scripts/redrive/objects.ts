/**
 * Images dead letters, on every cloud: a letter names objects of the originals bucket, and the
 * replay makes the bucket announce each of them again, by rewriting the object onto itself (a copy
 * of itself, with its content type and metadata, conditional on the version just read). The
 * platform's own event path (S3 notification, Event Grid BlobCreated, Eventarc object.finalized)
 * then processes it exactly as an upload: no direct invocation, no extra permission, and the images
 * function stays the only writer of compressed copies. The rewrite gives the object a new ETag or
 * generation and a new last-modified time, so the originals' lifecycle expiry counts from the replay.
 *
 * A letter is removed only once every object it names was announced again, or is gone (nothing can
 * be replayed), or was replaced since (its own upload event processes it). A letter naming no
 * object, an object the store refused to rewrite (said, and the run goes on), or an object of
 * another bucket (a replay never writes to a bucket not the stack's originals) is left where it is.
 */
import { isEnvelope, type Moved, type RedriveOptions } from './letters';

export interface NamedObject {
  bucket: string;
  key: string;
}

/** The objects a letter names, and why it was dead-lettered when it says. */
export interface LetterObjects {
  objects: NamedObject[];
  reason?: string;
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a letter's text: `named` when it is one of our envelopes (handlers/delivery.ts: `bucket`
 * and `object_key`, or none for a message that named no object), else `parsed`, the JSON for the
 * cloud's own letter shapes, undefined when the text is no JSON (it names nothing).
 */
export function readLetter(text: string): { named: LetterObjects } | { parsed: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { named: { objects: [] } };
  }
  if (!isEnvelope(parsed)) return { parsed };
  return { named: { objects: parsed.bucket && parsed.object_key ? [{ bucket: parsed.bucket, key: parsed.object_key }] : [], reason: parsed.reason } };
}

/** What rewriting one object onto itself did. */
export type Announced = 'announced' | 'gone' | 'replaced';

/** Rewrites `key` of the originals bucket onto itself. */
export type Announce = (key: string) => Promise<Announced>;

const actions: Record<Announced, string> = {
  announced: 'replayed',
  gone: 'skipped: the object no longer exists',
  replaced: 'skipped: replaced since; its own event processes it',
};

export interface LetterReplay {
  lines: Moved[];
  /** Every object it names was dealt with: the letter may be removed. Never in a dry run. */
  done: boolean;
}

/** Replays one letter: `id` names it in the report, `reason` is why it was dead-lettered, when it says. */
export async function replayLetter(
  id: string,
  objects: readonly NamedObject[],
  originals: string,
  announce: Announce,
  options: RedriveOptions,
  reason?: string,
): Promise<LetterReplay> {
  const line = (action: string, object?: NamedObject): Moved => ({
    id,
    action,
    ...(object ? { object: `${object.bucket}/${object.key}` } : {}),
    ...(reason ? { reason } : {}),
  });
  if (objects.length === 0) return { lines: [line('skipped: the letter names no object')], done: false };
  const lines: Moved[] = [];
  let done = !options.dryRun;
  for (const object of objects) {
    if (object.bucket !== originals) {
      lines.push(line(`skipped: ${object.bucket} is not the stack's originals bucket ${originals}`, object));
      done = false;
    } else if (options.dryRun) {
      lines.push(line('would replay', object));
    } else {
      try {
        lines.push(line(actions[await announce(object.key)], object));
      } catch (err) {
        // One object the store refuses (access denied, an archived object) stops neither the
        // letter's other objects nor the other letters: said, and the letter left in place.
        lines.push(line(`failed: ${(err as Error).message ?? String(err)}`, object));
        done = false;
      }
    }
  }
  return { lines, done };
}
