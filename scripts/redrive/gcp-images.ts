/**
 * Google Cloud images: the images dead-letter topic's kept subscription (output
 * `imagesDeadLetterSubscription`) holds our envelopes only (adapters/gcp/images.ts: `bucket`,
 * `object_key`): the Eventarc trigger has no dead-letter topic, so the function dead-letters an event
 * still failing 23 hours after its upload itself, before Eventarc would drop it (docs/functions/images.md).
 *
 * The replay rewrites the object onto itself (objects.rewrite, `file.copy(file)`), which "modifies
 * the source when source and destination are the same" by writing a new generation with the same
 * bytes and metadata, and so fires `object.finalized` again, which Eventarc delivers to the images
 * function as for an upload. `ifGenerationMatch` on the generation just read makes it refuse (412)
 * if a newer upload came in between.
 * https://cloud.google.com/storage/docs/json_api/v1/objects/rewrite
 * https://cloud.google.com/storage/docs/pubsub-notifications#events (OBJECT_FINALIZE: "includes copying or rewriting an existing object")
 */
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { pull } from './gcp';
import type { Moved, RedriveOptions } from './letters';
import { readLetter, replayLetter, type Announce, type LetterObjects } from './objects';

export interface GcpImagesTarget {
  deadLetterSubscription: string;
  originalsBucket: string;
}

export function objectsOfGcpLetter(text: string): LetterObjects {
  const letter = readLetter(text);
  return 'named' in letter ? letter.named : { objects: [] };
}

const code = (err: unknown) => (err as { code?: unknown }).code;

export function gcsAnnounce(storage: Storage, bucket: string): Announce {
  return async (key) => {
    const file = storage.bucket(bucket).file(key);
    let generation: string | number | undefined;
    try {
      [{ generation }] = await file.getMetadata();
    } catch (err) {
      if (code(err) === 404) return 'gone';
      throw err;
    }
    try {
      await file.copy(file, { preconditionOpts: { ifGenerationMatch: Number(generation) } });
      return 'announced';
    } catch (err) {
      if (code(err) === 412) return 'replaced';
      if (code(err) === 404) return 'gone';
      throw err;
    }
  };
}

export async function redriveGcpImages(pubsub: PubSub, storage: Storage, target: GcpImagesTarget, options: RedriveOptions): Promise<Moved[]> {
  const report: Moved[] = [];
  const announce = gcsAnnounce(storage, target.originalsBucket);
  const pulled = await pull(pubsub, target.deadLetterSubscription, options.limit);
  try {
    for (const m of pulled.messages) {
      const { objects, reason } = objectsOfGcpLetter(m.data.toString('utf8'));
      let done = false;
      try {
        const replay = await replayLetter(m.id, objects, target.originalsBucket, announce, options, reason);
        report.push(...replay.lines);
        done = replay.done;
      } finally {
        if (done) await m.ackWithResponse();
        else m.nack();
      }
    }
  } finally {
    await pulled.close();
  }
  return report;
}
