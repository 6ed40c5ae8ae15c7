/**
 * Cloud Storage `google.cloud.storage.object.v1.finalized` CloudEvent -> ObjectCreated.
 * Pure: no I/O. The event's `data` is the object resource (StorageObjectData), whose `name` is
 * the object name as stored: unlike S3 keys it is NOT URL-encoded, so it is used as is.
 * https://cloud.google.com/eventarc/docs/reference/supported-events#cloud-storage
 */
import { PermanentError } from '../../../handlers/errors';
import type { ObjectCreated } from '../../../handlers/events';

export const OBJECT_FINALIZED = 'google.cloud.storage.object.v1.finalized';

/** The fields of a CloudEvent this translator reads (the Functions Framework's CloudEvent). */
export interface StorageCloudEvent {
  type?: string;
  subject?: string;
  source?: string;
  time?: string;
  data?: unknown;
}

interface StorageObjectData {
  bucket?: unknown;
  name?: unknown;
  size?: unknown;
  etag?: unknown;
  generation?: unknown;
  timeCreated?: unknown;
}

/** Throws PermanentError for an event that is not an object-finalized event with a bucket and name. */
export function objectCreatedFromCloudEvent(event: StorageCloudEvent): ObjectCreated {
  if (event.type !== OBJECT_FINALIZED) {
    throw new PermanentError(`unexpected event type ${JSON.stringify(event.type)}, expected ${OBJECT_FINALIZED}`);
  }
  const data = parseData(event.data);
  if (typeof data.bucket !== 'string' || !data.bucket || typeof data.name !== 'string' || !data.name) {
    throw new PermanentError('storage event without a bucket and an object name');
  }
  const result: ObjectCreated = { bucket: data.bucket, key: data.name };
  // GCS reports int64 fields (size, generation) as decimal strings in JSON.
  const size = Number(data.size);
  if (data.size !== undefined && Number.isSafeInteger(size) && size >= 0) result.size = size;
  if (typeof data.etag === 'string' && data.etag) result.etag = data.etag.replace(/"/g, '');
  const time = typeof data.timeCreated === 'string' ? data.timeCreated : event.time;
  if (time) result.eventTime = time;
  return result;
}

/** What is known of the object when the event itself is unusable (for the dead-letter envelope). */
export function objectOfUnusableEvent(event: StorageCloudEvent): { bucket: string; key: string } {
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as StorageObjectData;
  // An unusable event may carry anything in these attributes: only strings are read.
  const source = typeof event.source === 'string' ? event.source : '';
  const subject = typeof event.subject === 'string' ? event.subject : '';
  const bucket = typeof data.bucket === 'string' ? data.bucket : source.split('/buckets/')[1] ?? '';
  const key = typeof data.name === 'string' ? data.name : subject.replace(/^objects\//, '');
  return { bucket, key };
}

function parseData(data: unknown): StorageObjectData {
  // In binary mode with a non-JSON content type the framework hands over a string or bytes.
  if (typeof data === 'string' || Buffer.isBuffer(data)) {
    try {
      return JSON.parse(data.toString()) as StorageObjectData;
    } catch {
      throw new PermanentError('storage event data is not JSON');
    }
  }
  if (typeof data !== 'object' || data === null) throw new PermanentError('storage event without data');
  return data as StorageObjectData;
}
