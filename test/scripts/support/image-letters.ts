/**
 * The images dead letters each cloud writes, built around the shared fixtures, for the redrive
 * tests: Lambda's on-failure destination record, Event Grid's dead-letter blob, and our envelopes.
 */
import type { S3Event } from '../../../adapters/aws/events/object-created';
import { deadLetterForMessage, deadLetterForObject } from '../../../handlers/delivery';
import { eventFixture } from '../../support/fixtures';

export const now = new Date();
export const envelopeOf = (bucket: string, key: string) => JSON.stringify(deadLetterForObject({ bucket, key }, 'image decoding failed', 1, now));
export const unreadable = JSON.stringify(deadLetterForMessage('images', 'not an S3 event', 'SQS message m-1 is not JSON: not an S3 or EventBridge event', 1, now));

/**
 * Lambda's on-failure destination record of an asynchronous invocation that failed every retry,
 * around the captured S3 event renamed to our bucket and key; the record's shape is AWS's example:
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export function onFailureRecord(bucket: string, key: string): string {
  const event = eventFixture<S3Event>('aws', 's3-put-real-capture.json');
  const record = event.Records![0] as unknown as { s3: { bucket: { name: string; arn: string }; object: { key: string } } };
  record.s3.bucket.name = bucket;
  record.s3.bucket.arn = `arn:aws:s3:::${bucket}`;
  record.s3.object.key = encodeURIComponent(key).replace(/%20/g, '+'); // S3 form-encodes keys in notifications
  return JSON.stringify({
    version: '1.0',
    timestamp: '2019-11-14T18:16:05.568Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e',
      functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:images:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorMessage: '1 object(s) failed: compressed bucket unreachable', errorType: 'TransientError' },
  });
}

/**
 * Event Grid's dead letter of the captured BlobCreated event, renamed to our container and blob: a
 * blob holding a JSON array of events, each with the dead-letter fields Event Grid adds
 * (https://learn.microsoft.com/azure/event-grid/delivery-and-retry#dead-letter-events).
 */
export function eventGridDeadLetter(...blobs: { container: string; name: string }[]): string {
  return JSON.stringify(
    blobs.map(({ container, name }) => {
      const event = eventFixture<Record<string, unknown> & { data: Record<string, unknown> }>('azure', 'eventgrid-blobcreated.eventgrid-schema.json');
      return {
        ...event,
        subject: `/blobServices/default/containers/${container}/blobs/${name}`,
        data: { ...event.data, url: `https://jolovstorage.blob.core.windows.net/${container}/${encodeURIComponent(name)}` },
        deadLetterReason: 'MaxDeliveryAttemptsExceeded',
        deliveryAttempts: 5,
        lastDeliveryOutcome: 'GenericError',
        publishTime: '2021-08-16T02:51:26.4248221Z',
        lastDeliveryAttemptTime: '2021-08-16T03:20:11.1234567Z',
      };
    }),
  );
}

