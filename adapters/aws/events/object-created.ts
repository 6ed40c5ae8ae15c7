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

/** One neutral event per ObjectCreated record; other records (a removal, a test event) are left out. */
export function objectsCreated(event: S3Event): ObjectCreated[] {
  const records = Array.isArray(event?.Records) ? event.Records : [];
  return records
    .filter((r) => r?.s3?.object && (r.eventName === undefined || r.eventName.startsWith('ObjectCreated:')))
    .map((r) => {
      const created: ObjectCreated = { bucket: r.s3.bucket.name, key: decodeS3Key(r.s3.object.key) };
      if (typeof r.s3.object.size === 'number') created.size = r.s3.object.size;
      if (r.s3.object.eTag) created.etag = r.s3.object.eTag.replace(/"/g, '');
      if (r.eventTime) created.eventTime = r.eventTime;
      return created;
    });
}
