/**
 * Storing an upload into the originals bucket, for both ways in: `PUT /buckets/originals/<key>`
 * (the local stand-in for the bucket's API) and `PUT /signed/originals/<key>` (a signed URL).
 * The body streams to disk, hashed on the way, so memory stays flat whatever the size; at most
 * `slots.max` uploads are stored at once and one more is told to come back (503, Retry-After);
 * once stored, the object-created event is queued for the images function, as an S3
 * notification, an Event Grid BlobCreated or an Eventarc object.finalized would be.
 */
import type { IncomingMessage } from 'node:http';
import { ObjectChangedError } from '../../handlers/ports/blob-store';
import { whenNotBusy } from './busy';
import { objectCreatedMessage, type LocalObjectCreated } from './events/object-created';
import { localBuckets, localQueues } from './environment';
import { HttpProblem } from './http-kit';
import { ObjectTooLargeError } from './ports/blob-store';
import type { LocalPorts } from './wiring';

/** Uploads being stored right now, against `maxConcurrentUploads`; one per server. */
export interface UploadSlots {
  max: number;
  inUse: number;
}

export interface Upload {
  key: string;
  contentType: string;
  metadata: Record<string, string>;
  maxBytes: number;
  /** Create only: refused with 409 if the key exists when the upload is committed (a signed upload). */
  createOnly?: boolean;
  /** The detail of the 413 answer. */
  tooLarge: string;
  /** Headers every refusal carries (CORS for a browser's signed upload). */
  headers?: Record<string, string>;
}

export async function storeUpload(req: IncomingMessage, ports: LocalPorts, slots: UploadSlots, upload: Upload): Promise<LocalObjectCreated> {
  const bucket = localBuckets.originals;
  const headers = upload.headers ?? {};
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > upload.maxBytes) {
    throw new HttpProblem(413, 'Content Too Large', upload.tooLarge, { ...headers, connection: 'close' });
  }
  if (slots.inUse >= slots.max) {
    // the body is not read: close the connection rather than drain it
    throw new HttpProblem(503, 'Service Unavailable', `${slots.max} uploads are already being stored; try again shortly`, { ...headers, 'retry-after': '1', connection: 'close' });
  }
  slots.inUse++;
  let stored: { size: number; etag: string };
  try {
    stored = await ports.blobs.putStream(bucket, upload.key, req, {
      contentType: upload.contentType,
      metadata: upload.metadata,
      // checked again where the upload is committed: a second upload to the same key that
      // started before this one finished is refused then, not stored over it
      ...(upload.createOnly ? { ifVersion: null } : {}),
    }, upload.maxBytes);
  } catch (err) {
    if (err instanceof ObjectTooLargeError) throw new HttpProblem(413, 'Content Too Large', upload.tooLarge, { ...headers, connection: 'close' });
    if (err instanceof ObjectChangedError) throw createOnlyConflict(upload.key, headers);
    throw err;
  } finally {
    slots.inUse--;
  }
  const event: LocalObjectCreated = { bucket, key: upload.key, size: stored.size, etag: stored.etag, eventTime: ports.clock.now().toISOString() };
  await whenNotBusy(() => ports.queue(localQueues.images).enqueue(objectCreatedMessage(event), { bucket, key: upload.key }));
  return event;
}

export function createOnlyConflict(key: string, headers: Record<string, string> = {}): HttpProblem {
  return new HttpProblem(409, 'Conflict', `${key} exists already; a signed upload only creates`, headers);
}
