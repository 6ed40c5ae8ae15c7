/**
 * images: compress an uploaded original into the compressed bucket.
 *
 * The flow, cheapest refusal first: skip rules (no I/O), the re-delivery check (one head of the
 * copy), the original's head (size limit before any download), the header (format and pixel limit
 * before any decode), then decode, encode and put. Bad input is a PermanentError; a failing store
 * is left to propagate as is, so the adapter lets the platform retry it.
 */
import type { ObjectCreated } from '../events';
import { PermanentError } from '../errors';
import type { BlobStore } from '../ports/blob-store';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { ImagesSettings } from '../specs';
import { CONTENT_TYPE, copyMetadata, isCopyOf, outputKeyFor } from './compressed-copy';
import { writeLatestCopy } from './latest-copy';
import { assertUsableConfig, skipReason } from './rules';
import { compress, inspect } from './transform';

export interface ImagesDeps {
  blobs: BlobStore;
  clock: Clock;
  logger: Logger;
}

export interface ImagesConfig extends ImagesSettings {
  /** Where compressed copies go; must differ from the originals bucket. */
  compressedBucket: string;
}

export type ImageResult =
  | {
      outcome: 'compressed';
      bucket: string;
      key: string;
      outputBucket: string;
      outputKey: string;
      bytesIn: number;
      bytesOut: number;
      width: number;
      height: number;
      /** The original's format, from its bytes. */
      format: 'jpeg' | 'png';
      /** The original's dimensions as stored, before its EXIF orientation is applied. */
      inputWidth: number;
      inputHeight: number;
      /** snake_case like every function's log field of the same name, since it is logged as is. */
      duration_ms: number;
    }
  | { outcome: 'skipped'; bucket: string; key: string; reason: string };

export async function compressImage(event: ObjectCreated, deps: ImagesDeps, config: ImagesConfig): Promise<ImageResult> {
  const started = deps.clock.now().getTime();
  const { bucket, key } = event;
  assertUsableConfig(config, bucket);

  const skipped = (reason: string): ImageResult => {
    deps.logger.info('image skipped', { function: 'images', outcome: 'skipped', bucket, key, reason, duration_ms: deps.clock.now().getTime() - started });
    return { outcome: 'skipped', bucket, key, reason };
  };

  const ruled = skipReason(key, config);
  if (ruled) return skipped(ruled);

  const outputKey = outputKeyFor(key, config.outputPrefix);
  const alreadyDone = `the compressed copy ${outputKey} was already made from etag`;
  // With the event's etag, a re-delivery costs exactly one head (of the copy).
  const copy = await deps.blobs.head(config.compressedBucket, outputKey);
  if (isCopyOf(copy, event.etag)) return skipped(`${alreadyDone} ${event.etag}`);

  const head = await deps.blobs.head(bucket, key);
  if (!head) throw new PermanentError(`object not found: ${bucket}/${key}`);
  // Also when the event names an older version: the copy of the current original exists already.
  if (isCopyOf(copy, head.etag)) return skipped(`${alreadyDone} ${head.etag}`);
  refuseOversize(head.size, config.maxObjectBytes);

  const original = await deps.blobs.get(bucket, key);
  if (!original) throw new PermanentError(`object not found: ${bucket}/${key}`);
  // The object may have been replaced between head and get: the limit holds for what was read.
  refuseOversize(original.bytes.byteLength, config.maxObjectBytes);

  const header = await inspect(original.bytes, config.maxPixels);
  const out = await compress(original.bytes, config);

  // The version actually read; the event's etag names the same version unless it was replaced.
  const sourceEtag = original.etag ?? head.etag ?? event.etag;
  const written = await writeLatestCopy(deps.blobs, {
    original: { bucket, key, ...(sourceEtag ? { etag: sourceEtag } : {}) },
    copySeen: copy,
    copy: {
      bucket: config.compressedBucket,
      key: outputKey,
      bytes: out.bytes,
      options: {
        contentType: CONTENT_TYPE,
        metadata: copyMetadata({ originalSize: original.bytes.byteLength, compressedSize: out.bytes.byteLength, sourceEtag, width: out.width, height: out.height }),
      },
    },
  });
  if (!written.written) return skipped(written.reason);

  const result: ImageResult = {
    outcome: 'compressed',
    bucket,
    key,
    outputBucket: config.compressedBucket,
    outputKey,
    bytesIn: original.bytes.byteLength,
    bytesOut: out.bytes.byteLength,
    width: out.width,
    height: out.height,
    format: header.format,
    inputWidth: header.width,
    inputHeight: header.height,
    duration_ms: deps.clock.now().getTime() - started,
  };
  // Every function's per-invocation line carries function, duration_ms and outcome, whatever
  // logger the adapter hands in (a child logger may or may not name the function already).
  deps.logger.info('image compressed', { function: 'images', ...result });
  return result;
}

function refuseOversize(size: number, maxObjectBytes: number): void {
  if (size > maxObjectBytes) {
    throw new PermanentError(`object too large: ${size} bytes exceeds the limit of ${maxObjectBytes}`);
  }
}
