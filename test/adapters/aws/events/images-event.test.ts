/**
 * What invokes the images function on Lambda, read into objects: S3 notifications, EventBridge
 * "Object Created" events and SQS batches carrying either; anything else is ignored with a reason
 * or, inside SQS, dead-lettered. Payloads are AWS's own (shared fixtures, ./payloads).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readImagesEvent } from '../../../../adapters/aws/events/images-event';
import { eventFixture } from '../../../support/fixtures';

const payload = <T = Record<string, unknown>>(file: string): T => JSON.parse(readFileSync(path.join(__dirname, 'payloads', file), 'utf8')) as T;

/** An SQS event (the shared fixture's record) whose message bodies are the given values, as S3 -> SQS sends them. */
function sqsCarrying(...bodies: unknown[]): Record<string, unknown> {
  const { Records: [record] } = eventFixture<{ Records: Record<string, unknown>[] }>('aws', 'sqs-1-record-message-attributes.json');
  return { Records: bodies.map((b, i) => ({ ...record, messageId: `m${i}`, body: typeof b === 'string' ? b : JSON.stringify(b) })) };
}

describe('aws images event shapes', () => {
  // Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html (Object created).
  it('reads an EventBridge "Object Created" event, its key as stored (not form-encoded)', () => {
    const event = payload('eventbridge-s3-object-created.json');
    expect(readImagesEvent(event)).to.deep.equal({
      objects: [{ bucket: 'amzn-s3-demo-bucket1', key: 'example-key', size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', eventTime: '2021-11-12T00:00:00Z' }],
      unreadableObjects: [], unreadableMessages: [], ignored: [],
    });
    const detail = event.detail as { object: Record<string, unknown> };
    const plus = { ...event, detail: { ...detail, object: { ...detail.object, key: 'c++ notes/a+b.jpg' } } };
    expect(readImagesEvent(plus).objects[0].key).to.equal('c++ notes/a+b.jpg');
  });

  it('ignores other EventBridge S3 events and dead-letters one that names no object', () => {
    const event = payload('eventbridge-s3-object-created.json');
    expect(readImagesEvent({ ...event, 'detail-type': 'Object Deleted' }).ignored).to.deep.equal(['the event is an EventBridge S3 "Object Deleted" event, not "Object Created"']);
    const noKey = { ...event, detail: { bucket: { name: 'b' }, object: {} } };
    expect(readImagesEvent(noKey).unreadableObjects).to.deep.equal([{ bucket: 'b', key: '', reason: 'EventBridge S3 event has no object key' }]);
  });

  // Source: S3 -> SQS delivers the notification JSON as the message body
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
  it('reads S3 notifications and EventBridge events carried in SQS messages, keys decoded as S3 encodes them', () => {
    const s3 = eventFixture('aws', 's3-put-2-records-plus-encoded-key.json');
    const contents = readImagesEvent(sqsCarrying(s3, payload('eventbridge-s3-object-created.json')));
    expect(contents.objects.map((o) => [o.bucket, o.key])).to.deep.equal([['sourcebucket', 'HappyFace.jpg'], ['sourcebucket', 'New File.jpg'], ['amzn-s3-demo-bucket1', 'example-key']]);
    expect(contents.ignored).to.deep.equal([]);
  });

  it("ignores S3's s3:TestEvent, and keeps an SQS message that is no S3 event for the dead-letter queue", () => {
    const contents = readImagesEvent(sqsCarrying(payload('s3-test-event.json'), 'Message Body', { order_id: 'o-1' }));
    expect(contents.ignored).to.deep.equal(["SQS message m0 is S3's s3:TestEvent (sent once when the notification is configured)"]);
    expect(contents.unreadableMessages).to.deep.equal([
      { body: 'Message Body', reason: 'SQS message m1 is not JSON: not an S3 or EventBridge event' },
      { body: '{"order_id":"o-1"}', reason: 'SQS message m2 carries neither an S3 notification nor an EventBridge S3 event' },
    ]);
    expect(contents.objects).to.deep.equal([]);
  });

  it('says why it ignores any other event: a schedule, another service, an S3 removal', () => {
    expect(readImagesEvent(eventFixture('aws', 'eventbridge-scheduled-event.json')).ignored).to.deep.equal(['the event is an EventBridge "Scheduled Event" event from aws.events']);
    expect(readImagesEvent(eventFixture('aws', 'sns-notification.json')).ignored[0]).to.match(/^the event has a record that is not an S3 record \(eventSource "aws:sns"\)$/);
    const s3 = eventFixture<{ Records: Record<string, unknown>[] }>('aws', 's3-put-real-capture.json');
    const removal = { Records: [{ ...s3.Records[0], eventName: 'ObjectRemoved:Delete' }] };
    expect(readImagesEvent(removal)).to.deep.include({ objects: [], ignored: ['the event has an S3 ObjectRemoved:Delete record, not ObjectCreated'] });
    expect(readImagesEvent('nonsense').ignored).to.deep.equal(['the event is not a JSON object']);
  });
});
