/**
 * The local "object created" notification: what an upload puts on the `images` queue, and its
 * translation to the neutral ObjectCreated. The key travels decoded, as in a GCS CloudEvent
 * (unlike S3's URL-encoded keys), so nothing is decoded twice.
 */
import type { ObjectCreated } from '../../../handlers/events';
import { PermanentError } from '../../../handlers/errors';

export interface LocalObjectCreated {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  eventTime: string;
}

export function objectCreatedMessage(event: LocalObjectCreated): string {
  return JSON.stringify(event);
}

/** The queue body back to ObjectCreated; a body that is not one can never succeed. */
export function toObjectCreated(body: string): ObjectCreated {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new PermanentError('the object-created message is not JSON');
  }
  const e = parsed as Partial<LocalObjectCreated> | null;
  if (!e || typeof e.bucket !== 'string' || typeof e.key !== 'string') {
    throw new PermanentError('the object-created message has no bucket and key');
  }
  const event: ObjectCreated = { bucket: e.bucket, key: e.key };
  if (typeof e.size === 'number') event.size = e.size;
  if (typeof e.etag === 'string') event.etag = e.etag;
  if (typeof e.eventTime === 'string') event.eventTime = e.eventTime;
  return event;
}
