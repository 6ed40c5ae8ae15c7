/**
 * What can invoke the images function on Lambda, read into the objects it names. Pure: no I/O.
 * A bucket has ONE notification configuration, so many teams route S3 events through EventBridge
 * or buffer them in SQS instead; the entry point accepts all three shapes a user of S3 would wire:
 * - an S3 event notification (`Records[].s3`), keys form-encoded
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html);
 * - an EventBridge "Object Created" event from `aws.s3` (`detail.bucket.name`, `detail.object.key`)
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html). Its key is the key as
 *   stored, not form-encoded: a real capture carries "raw/health-check/2023-08-08T14:03:40.532432.zip"
 *   where a notification would carry "%3A" (gist vincentclaes/7a5eb53acc05b316c86769fed25d4e1a);
 * - an SQS event (`Records[].eventSource` "aws:sqs") whose message bodies are either of the above
 *   (S3 -> SQS -> Lambda, or EventBridge -> SQS -> Lambda), or S3's `s3:TestEvent`, which S3 sends
 *   once when the notification is configured.
 * Anything else invoking the function (a schedule, another service's event) is ignored WITH a reason
 * the entry point logs; an SQS message that is none of these is kept: the entry point dead-letters it.
 */
import type { ObjectCreated } from '../../../handlers/events';
import { objectsCreated, unreadableObjectRecords, type S3Event } from './object-created';

export interface ImagesEventContents {
  objects: ObjectCreated[];
  /** Records that name no object: dead-lettered with the reason. */
  unreadableObjects: { bucket: string; key: string; reason: string }[];
  /** Messages whose body cannot be read at all: dead-lettered as they are. */
  unreadableMessages: { body: string; reason: string }[];
  /** What was not an object-created event, each with why it was left alone. */
  ignored: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readImagesEvent(event: unknown): ImagesEventContents {
  const contents: ImagesEventContents = { objects: [], unreadableObjects: [], unreadableMessages: [], ignored: [] };
  read(event, contents, 'the event');
  return contents;
}

function read(event: unknown, into: ImagesEventContents, what: string): void {
  if (!isObject(event)) {
    into.ignored.push(`${what} is not a JSON object`);
    return;
  }
  if (event.source === 'aws.s3' && typeof event['detail-type'] === 'string') {
    readEventBridge(event, into, what);
    return;
  }
  if (Array.isArray(event.Records)) {
    const sqs = event.Records.filter((r) => isObject(r) && r.eventSource === 'aws:sqs');
    for (const record of sqs as Json[]) readSqsRecord(record, into);
    const s3: S3Event = { Records: event.Records.filter((r) => !(isObject(r) && r.eventSource === 'aws:sqs')) as S3Event['Records'] };
    if (s3.Records!.length === 0) return;
    into.objects.push(...objectsCreated(s3));
    into.unreadableObjects.push(...unreadableObjectRecords(s3));
    for (const r of s3.Records!) {
      const name = isObject(r) ? (r as Json).eventName : undefined;
      // SNS spells it EventSource.
      const source = isObject(r) ? ((r as Json).eventSource ?? (r as Json).EventSource) : undefined;
      if (!isObject(r) || !isObject((r as Json).s3)) into.ignored.push(`${what} has a record that is not an S3 record (eventSource ${JSON.stringify(source)})`);
      else if (typeof name === 'string' && !name.startsWith('ObjectCreated:')) into.ignored.push(`${what} has an S3 ${name} record, not ObjectCreated`);
    }
    return;
  }
  if (event.Event === 's3:TestEvent') {
    into.ignored.push(`${what} is S3's s3:TestEvent (sent once when the notification is configured)`);
    return;
  }
  const kind = typeof event['detail-type'] === 'string' ? `an EventBridge "${event['detail-type']}" event from ${String(event.source)}` : 'neither an S3 notification, an EventBridge S3 event nor an SQS batch';
  into.ignored.push(`${what} is ${kind}`);
}

function readEventBridge(event: Json, into: ImagesEventContents, what: string): void {
  if (event['detail-type'] !== 'Object Created') {
    into.ignored.push(`${what} is an EventBridge S3 "${String(event['detail-type'])}" event, not "Object Created"`);
    return;
  }
  const detail = isObject(event.detail) ? event.detail : {};
  const bucket = isObject(detail.bucket) && typeof detail.bucket.name === 'string' ? detail.bucket.name : '';
  const object = isObject(detail.object) ? detail.object : {};
  const key = typeof object.key === 'string' ? object.key : '';
  if (!bucket || !key) {
    into.unreadableObjects.push({ bucket, key, reason: bucket ? 'EventBridge S3 event has no object key' : 'EventBridge S3 event has no bucket name' });
    return;
  }
  const created: ObjectCreated = { bucket, key };
  if (typeof object.size === 'number') created.size = object.size;
  if (typeof object.etag === 'string' && object.etag) created.etag = object.etag.replace(/"/g, '');
  if (typeof event.time === 'string' && event.time) created.eventTime = event.time;
  into.objects.push(created);
}

function readSqsRecord(record: Json, into: ImagesEventContents): void {
  const id = typeof record.messageId === 'string' ? record.messageId : '(no id)';
  const body = typeof record.body === 'string' ? record.body : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    into.unreadableMessages.push({ body, reason: `SQS message ${id} is not JSON: not an S3 or EventBridge event` });
    return;
  }
  // A message of another kind in this queue is kept (dead-lettered), not dropped after a log line.
  const s3Shaped = isObject(parsed) && (Array.isArray(parsed.Records) || parsed.source === 'aws.s3' || parsed.Event === 's3:TestEvent');
  if (!s3Shaped) {
    into.unreadableMessages.push({ body, reason: `SQS message ${id} carries neither an S3 notification nor an EventBridge S3 event` });
    return;
  }
  read(parsed, into, `SQS message ${id}`);
}
