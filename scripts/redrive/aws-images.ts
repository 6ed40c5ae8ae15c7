/**
 * AWS images: the images dead-letter queue holds three kinds of letter, each naming objects of the
 * originals bucket:
 * - Lambda's on-failure destination records of asynchronous invocations that failed every retry:
 *   `{version, timestamp, requestContext, requestPayload, responseContext, responsePayload}`, where
 *   `requestPayload` is the event the function was invoked with (the S3 notification)
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html);
 * - an event as it is (what a Lambda dead-letter queue, rather than a destination, keeps);
 * - our envelopes (handlers/delivery.ts): `bucket` and `object_key` for an image that failed for
 *   good, `message` for an SQS message that was no S3 event at all (it names no object: kept).
 * The events are read by the images entry point's own reader (adapters/aws/events/images-event.ts),
 * so a replay names exactly the objects the function would have processed (keys decoded).
 *
 * The replay is a CopyObject of the object onto itself: S3 announces it as ObjectCreated:Copy, which
 * the bucket's one notification (`s3:ObjectCreated:*`, infra/aws/buckets.ts) delivers to the images
 * function. MetadataDirective REPLACE is what S3 requires to copy an object onto itself, so the copy
 * carries the HeadObject's content type, caching headers and user metadata (the owner the signed
 * upload set) explicitly; CopySourceIfMatch on the ETag just read refuses (412) if a newer upload came
 * in between, which is then left to its own event.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
import { CopyObjectCommand, HeadObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { readImagesEvent } from '../../adapters/aws/events/images-event';
import type { Moved, RedriveOptions } from './letters';
import { isObject, readLetter, replayLetter, type Announce, type LetterObjects } from './objects';

export interface AwsImagesTarget {
  deadLetterQueueUrl: string;
  originalsBucket: string;
}

/** The objects a letter names, and why it was dead-lettered when it says. */
export function objectsOfAwsLetter(body: string): LetterObjects {
  const letter = readLetter(body);
  if ('named' in letter) return letter.named;
  const parsed = letter.parsed;
  if (isObject(parsed) && isObject(parsed.requestContext) && 'requestPayload' in parsed) {
    const context = parsed.requestContext;
    const response = isObject(parsed.responsePayload) && typeof parsed.responsePayload.errorMessage === 'string' ? `: ${parsed.responsePayload.errorMessage}` : '';
    const reason = `${typeof context.condition === 'string' ? context.condition : 'failed'} after ${String(context.approximateInvokeCount ?? '?')} invocations${response}`;
    return { objects: readImagesEvent(parsed.requestPayload).objects.map(({ bucket, key }) => ({ bucket, key })), reason };
  }
  return { objects: readImagesEvent(parsed).objects.map(({ bucket, key }) => ({ bucket, key })) };
}

const status = (err: unknown) => (err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined);

/** CopySource is `<bucket>/<key>`, URL-encoded; `/` in the key may stay as it is. */
const copySource = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

export function s3Announce(s3: S3Client, bucket: string): Announce {
  return async (key) => {
    let head;
    try {
      head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (status(err) === 404) return 'gone';
      throw err;
    }
    try {
      await s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: key,
          CopySource: copySource(bucket, key),
          CopySourceIfMatch: head.ETag,
          MetadataDirective: 'REPLACE',
          ContentType: head.ContentType,
          CacheControl: head.CacheControl,
          ContentDisposition: head.ContentDisposition,
          ContentEncoding: head.ContentEncoding,
          ContentLanguage: head.ContentLanguage,
          Expires: head.Expires,
          Metadata: head.Metadata,
          ...(head.StorageClass ? { StorageClass: head.StorageClass } : {}),
        }),
      );
      return 'announced';
    } catch (err) {
      if (status(err) === 412) return 'replaced';
      if (status(err) === 404) return 'gone';
      throw err;
    }
  };
}

export async function redriveAwsImages(sqs: SQSClient, s3: S3Client, target: AwsImagesTarget, options: RedriveOptions): Promise<Moved[]> {
  const report: Moved[] = [];
  const seen = new Set<string>();
  const announce = s3Announce(s3, target.originalsBucket);
  let letters = 0;
  while (letters < options.limit) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: target.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, options.limit - letters),
        WaitTimeSeconds: 1,
        // long enough to copy and delete; in a dry run, hidden until the run ends so none is listed twice
        VisibilityTimeout: 60,
      }),
    );
    const messages = (out.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (messages.length === 0) break;
    for (const m of messages) {
      seen.add(m.MessageId!);
      letters++;
      const { objects, reason } = objectsOfAwsLetter(m.Body ?? '');
      const replay = await replayLetter(m.MessageId!, objects, target.originalsBucket, announce, options, reason);
      if (replay.done) await sqs.send(new DeleteMessageCommand({ QueueUrl: target.deadLetterQueueUrl, ReceiptHandle: m.ReceiptHandle! }));
      report.push(...replay.lines);
    }
  }
  return report;
}
