/**
 * Writing the compressed copy so that it ends describing the LATEST original, whatever order
 * overlapping deliveries finish in.
 *
 * The race: a large original is uploaded to a key, then a small one to the same key; the small
 * one is compressed first and its copy written, then the large one's compression finishes. An
 * unconditional put would leave the copy describing the large (replaced) original forever.
 *
 * No store can make a write to one object conditional on another object, so two checks together:
 * 1. just before writing, the original is read again (a head): when its etag is no longer the one
 *    that was compressed, this work is stale and is dropped (the newer upload's own event makes
 *    its copy);
 * 2. the write itself is conditional on the copy being the version read when this delivery
 *    started (`ifVersion`: S3 `If-Match`/`If-None-Match: *`, Azure `If-Match`/`If-None-Match: *`,
 *    GCS `ifGenerationMatch`, the local store's own check). A delivery that passed check 1 and
 *    was then overtaken by a newer one finds the copy changed and writes nothing: so an older
 *    compression never replaces a newer copy. On that refusal the checks run again: if the copy
 *    now describes the latest original, the work is done; if the original is still this one, the
 *    write is retried against the copy's new version.
 */
import { TransientError } from '../errors';
import { isObjectChanged, type BlobStore, type ObjectHead, type PutOptions } from '../ports/blob-store';
import { isCopyOf } from './compressed-copy';

/** Rounds of "re-check, conditional write" before the delivery is retried by the platform. */
const MAX_ROUNDS = 5;

export interface LatestCopyRequest {
  original: { bucket: string; key: string; etag?: string };
  copy: { bucket: string; key: string; bytes: Uint8Array; options: Omit<PutOptions, 'ifVersion'> };
  /** The copy as it was when this delivery looked (undefined: there was none). */
  copySeen: ObjectHead | undefined;
}

export type LatestCopyOutcome =
  | { written: true }
  | { written: false; reason: string };

export async function writeLatestCopy(blobs: BlobStore, request: LatestCopyRequest): Promise<LatestCopyOutcome> {
  const { original, copy } = request;
  let seen = request.copySeen;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const current = await blobs.head(original.bucket, original.key);
    if (!current) return { written: false, reason: `the original ${original.bucket}/${original.key} was deleted while it was compressed` };
    if (original.etag && current.etag && current.etag !== original.etag) {
      return { written: false, reason: `the original was replaced while it was compressed (etag ${original.etag} is now ${current.etag}); the newer upload makes its own copy` };
    }
    try {
      // a store without versions (none of ours) could only write unconditionally
      const ifVersion = seen ? (seen.version ?? seen.etag) : null;
      await blobs.put(copy.bucket, copy.key, copy.bytes, { ...copy.options, ...(ifVersion !== undefined ? { ifVersion } : {}) });
      return { written: true };
    } catch (err) {
      if (!isObjectChanged(err)) throw err;
      seen = await blobs.head(copy.bucket, copy.key);
      if (isCopyOf(seen, current.etag)) {
        return { written: false, reason: `a concurrent delivery already made the copy of etag ${current.etag}` };
      }
    }
  }
  throw new TransientError(`the compressed copy ${copy.bucket}/${copy.key} kept changing during ${MAX_ROUNDS} conditional writes`);
}
