/** The images entry point on real S3 notifications, with s3rver and fauxqs behind it. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { createImagesHandler } from '../../../adapters/aws/images';
import type { S3Event } from '../../../adapters/aws/events/object-created';
import { S3BlobStore } from '../../../adapters/aws/ports/blob-store';
import { SqsDeadLetters } from '../../../adapters/aws/ports/dead-letters';
import { drain } from '../../support/aws-queues';
import { eventFixture, imageFixture } from '../../support/fixtures';
import { recordingLogger } from '../../support/reliability-events';
import { imagesHarness } from './harness';

type Harness = Awaited<ReturnType<typeof imagesHarness>>;

describe('aws images entry point', function () {
  this.timeout(60_000);
  let h: Harness;
  // The bucket and keys the captured events name, so the events run as captured.
  const originals = 'sourcebucket';
  const captured = 'lambda-artifacts-deafc19498e3f2df';
  before(async () => {
    h = await imagesHarness(originals, 'compressed-images');
    await h.s3.createBucket(captured);
    const put = (bucket: string, key: string, body: Buffer) => h.s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    await put(originals, 'HappyFace.jpg', imageFixture('exif-orientation-Landscape_6.jpg'));
    // The second record's key arrives form-encoded ("New+File.jpg"): the object is "New File.jpg".
    await put(originals, 'New File.jpg', imageFixture('corrupt-truncated-progressive.jpg'));
    await put(captured, 'b21b84d653bb07b05b1e6b33684dc11b', imageFixture('tiny-1x1.png'));
    await put(originals, 'routed/by eventbridge.jpg', imageFixture('exif-orientation-Landscape_6.jpg'));
    await put(originals, 'queued photo.png', imageFixture('tiny-1x1.png'));
  });

  // Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html: one bucket has one
  // notification configuration, so S3 events are often routed through EventBridge instead.
  it('compresses an image announced by an EventBridge "Object Created" event', async () => {
    const event = JSON.parse(readFileSync(path.join(__dirname, 'events', 'payloads', 'eventbridge-s3-object-created.json'), 'utf8')) as Record<string, unknown>;
    const detail = event.detail as { object: Record<string, unknown> };
    const routed = { ...event, detail: { ...detail, bucket: { name: originals }, object: { ...detail.object, key: 'routed/by eventbridge.jpg' } } };
    const summary = await createImagesHandler(h.wiring)(routed, { awsRequestId: 'eb' });
    expect(summary.results.map((r) => [r.key, r.outcome])).to.deep.equal([['routed/by eventbridge.jpg', 'compressed']]);
    expect(await new S3BlobStore(h.s3.s3).get('compressed-images', 'compressed/routed/by eventbridge.jpg')).to.not.equal(undefined);
  });

  // Source: S3 -> SQS -> Lambda: the SQS message body is the S3 notification (notification-content-structure.html).
  it('compresses an image whose S3 notification arrives in an SQS message', async () => {
    const notification = eventFixture<{ Records: Record<string, unknown>[] }>('aws', 's3-put-real-capture.json');
    const record = notification.Records[0] as { s3: { bucket: Record<string, unknown>; object: Record<string, unknown> } };
    const body = JSON.stringify({ Records: [{ ...record, s3: { ...record.s3, bucket: { ...record.s3.bucket, name: originals }, object: { ...record.s3.object, key: 'queued+photo.png' } } }] });
    const { Records: [sqsRecord] } = eventFixture<{ Records: Record<string, unknown>[] }>('aws', 'sqs-1-record-message-attributes.json');
    const summary = await createImagesHandler(h.wiring)({ Records: [{ ...sqsRecord, body }] });
    expect(summary.results.map((r) => [r.key, r.outcome])).to.deep.equal([['queued photo.png', 'compressed']]);
    expect(await drain(h.sqs, h.deadLetters.url)).to.deep.equal([]);
  });

  it('logs any other event (a schedule) with the reason, in one line, and writes nothing', async () => {
    const lines = recordingLogger();
    const wiring = { ...h.wiring, deps: { ...h.wiring.deps, logger: lines } };
    const summary = await createImagesHandler(wiring)(eventFixture('aws', 'eventbridge-scheduled-event.json'), { awsRequestId: 'cron' });
    expect(summary).to.deep.equal({ results: [], deadLettered: [], ignored: ['the event is an EventBridge "Scheduled Event" event from aws.events'] });
    expect(lines.lines).to.deep.equal([{ msg: 'event ignored', function: 'images', correlation_id: 'cron', reason: 'the event is an EventBridge "Scheduled Event" event from aws.events' }]);
    expect(await drain(h.sqs, h.deadLetters.url)).to.deep.equal([]);
  });

  it('handles every record: compresses the good image and dead-letters the corrupt one', async () => {
    const summary = await createImagesHandler(h.wiring)(eventFixture<S3Event>('aws', 's3-put-2-records-plus-encoded-key.json'), { awsRequestId: 'r1' });
    expect(summary.results.map((r) => [r.key, r.outcome])).to.deep.equal([['HappyFace.jpg', 'compressed']]);
    const out = await new S3BlobStore(h.s3.s3).get('compressed-images', 'compressed/HappyFace.jpg');
    expect(out, 'compressed object').to.not.equal(undefined);
    const meta = await sharp(Buffer.from(out!.bytes)).metadata();
    // Landscape_6 is stored 1200x1800 with orientation 6: upright it is landscape, fitted to 800 wide.
    expect([meta.format, meta.width, meta.height]).to.deep.equal(['jpeg', 800, 533]);
    const letters = (await drain(h.sqs, h.deadLetters.url)).map((m) => JSON.parse(m.body));
    expect(letters).to.have.length(1);
    expect(letters[0]).to.include({ function: 'images', bucket: originals, object_key: 'New File.jpg', attempts: 1, etag: '0123456789abcdef0123456789abcdef' });
    expect(letters[0].reason).to.be.a('string').and.not.equal('');
  });

  it('dead-letters a record that names no object, with its reason, instead of crashing the invocation', async () => {
    const event = eventFixture<S3Event>('aws', 's3-put-real-capture.json');
    const record = event.Records![0];
    const broken = { Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, key: undefined } } }] } as unknown as S3Event;
    const summary = await createImagesHandler(h.wiring)(broken);
    expect(summary).to.deep.equal({ results: [], deadLettered: [{ key: '', reason: 'S3 record has no object key' }], ignored: [] });
    const letters = (await drain(h.sqs, h.deadLetters.url)).map((m) => JSON.parse(m.body));
    expect(letters).to.have.length(1);
    expect(letters[0]).to.include({ function: 'images', bucket: captured, object_key: '', reason: 'S3 record has no object key' });
  });

  it('skips the captured event, whose key has no image suffix, without a dead letter', async () => {
    const summary = await createImagesHandler(h.wiring)(eventFixture<S3Event>('aws', 's3-put-real-capture.json'));
    expect(summary.results.map((r) => r.outcome)).to.deep.equal(['skipped']);
    expect(summary.deadLettered).to.deep.equal([]);
    expect(await drain(h.sqs, h.deadLetters.url)).to.deep.equal([]);
  });

  it('fails the invocation when S3 is unreachable, so that Lambda retries it, and writes no dead letter', async () => {
    const handler = createImagesHandler(await h.unreachable());
    let thrown: unknown;
    try {
      await handler(eventFixture<S3Event>('aws', 's3-put-2-records-plus-encoded-key.json'));
    } catch (err) {
      thrown = err;
    }
    expect(thrown, 'the invocation fails').to.be.instanceOf(Error);
    expect((thrown as Error).message).to.match(/2 object\(s\) failed/);
    expect(await drain(h.sqs, h.deadLetters.url)).to.deep.equal([]);
  });

  it('fails the invocation when the dead letter cannot be written, so the corrupt image is not lost', async () => {
    const noQueue = { ...h.wiring, deadLetters: new SqsDeadLetters(h.sqs, `${h.deadLetters.url}-deleted`) };
    let thrown: unknown;
    try {
      await createImagesHandler(noQueue)(eventFixture<S3Event>('aws', 's3-put-2-records-plus-encoded-key.json'));
    } catch (err) {
      thrown = err;
    }
    expect((thrown as Error)?.message).to.match(/New File\.jpg: dead letter not written/);
  });
});
