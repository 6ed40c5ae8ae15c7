/**
 * S3 event notifications to the neutral ObjectCreated: every record, keys decoded.
 * Pure: no I/O. The event shape is documented at
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
import type { ObjectCreated } from '../../../handlers/events';

export interface S3EventRecord {
  eventName?: string;
  eventSource?: string;
  eventTime?: string;
  s3: {
    bucket: { name: string };
    object: { key: string; size?: number; eTag?: string };
  };
}

export interface S3Event {
  Records?: S3EventRecord[];
}

/**
 * S3 form-encodes the key in notifications ("a b.jpg" arrives as "a+b.jpg", "ü" as "%C3%BC"):
 * `+` is a space, and only then are percent escapes decoded, so a literal `+` (sent as `%2B`)
 * survives.
 */
export function decodeS3Key(encoded: string): string {
  const spaced = encoded.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A malformed escape cannot come from S3; keep the key as sent rather than lose the record.
    return spaced;
  }
}

function isObjectCreatedRecord(r: S3EventRecord | undefined): r is S3EventRecord {
  return typeof r?.s3?.object === 'object' && r.s3.object !== null && (r.eventName === undefined || (typeof r.eventName === 'string' && r.eventName.startsWith('ObjectCreated:')));
}

/** Why an ObjectCreated record cannot be read as an object, or undefined when it can. */
function unreadable(r: S3EventRecord): string | undefined {
  if (typeof r.s3.bucket?.name !== 'string' || r.s3.bucket.name === '') return 'S3 record has no bucket name';
  if (typeof r.s3.object.key !== 'string' || r.s3.object.key === '') return 'S3 record has no object key';
  return undefined;
}

/** One neutral event per ObjectCreated record; other records (a removal, a test event) are left out. */
export function objectsCreated(event: S3Event): ObjectCreated[] {
  const records = Array.isArray(event?.Records) ? event.Records : [];
  return records
    .filter((r) => isObjectCreatedRecord(r) && unreadable(r) === undefined)
    .map((r) => {
      const created: ObjectCreated = { bucket: r.s3.bucket.name, key: decodeS3Key(r.s3.object.key) };
      // Optional fields only with their documented type: a wrong one is left out, not a crash.
      if (typeof r.s3.object.size === 'number') created.size = r.s3.object.size;
      if (typeof r.s3.object.eTag === 'string' && r.s3.object.eTag) created.etag = r.s3.object.eTag.replace(/"/g, '');
      if (typeof r.eventTime === 'string' && r.eventTime) created.eventTime = r.eventTime;
      return created;
    });
}

/**
 * ObjectCreated records that objectsCreated leaves out because they name no object (no bucket
 * name or key), each with what the record does say and why: the entry point dead-letters them
 * rather than lose them silently.
 */
export function unreadableObjectRecords(event: S3Event): { bucket: string; key: string; reason: string }[] {
  const records = Array.isArray(event?.Records) ? event.Records : [];
  return records.filter(isObjectCreatedRecord).flatMap((r) => {
    const reason = unreadable(r);
    if (reason === undefined) return [];
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    return [{ bucket: text(r.s3.bucket?.name), key: text(r.s3.object.key), reason }];
  });
}
