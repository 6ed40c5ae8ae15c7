/**
 * `npm run redrive -- <stack> images` on AWS: each letter names objects of the originals bucket, and
 * the replay copies each onto itself so that S3 announces it again (scripts/redrive/objects.ts).
 * Against fauxqs (SQS) and s3rver (S3), with the letters the images DLQ receives: Lambda's
 * on-failure destination record, our envelopes, one naming no object, one naming a deleted object
 * and one naming another bucket.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand as QueueAttributes, SendMessageCommand } from '@aws-sdk/client-sqs';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createImagesHandler } from '../../adapters/aws/images';
import type { S3Event } from '../../adapters/aws/events/object-created';
import { S3BlobStore } from '../../adapters/aws/ports/blob-store';
import { deadLetterForObject } from '../../handlers/delivery';
import { objectsOfAwsLetter, redriveAwsImages } from '../../scripts/redrive/aws-images';
import { replayLetter } from '../../scripts/redrive/objects';
import { imagesHarness } from '../adapters/aws/harness';
import { createQueue } from '../support/aws-queues';
import { eventFixture, imageFixture } from '../support/fixtures';
import { envelopeOf, now, onFailureRecord, unreadable } from './support/image-letters';

describe('redrive images: the objects an AWS letter names', () => {
  it('reads the on-failure record\'s event, a bare event (a Lambda DLQ keeps the event alone) and our envelopes, as the entry point reads them', () => {
    const event = eventFixture<S3Event>('aws', 's3-put-2-records-plus-encoded-key.json');
    const names = event.Records!.map((r) => ({ bucket: r.s3.bucket.name, key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')) }));
    expect(objectsOfAwsLetter(JSON.stringify(event)).objects).to.deep.equal(names);
    expect(objectsOfAwsLetter(onFailureRecord('b', 'New File.jpg')).objects).to.deep.equal([{ bucket: 'b', key: 'New File.jpg' }]);
    expect(objectsOfAwsLetter(envelopeOf('b', 'k.jpg'))).to.deep.equal({ objects: [{ bucket: 'b', key: 'k.jpg' }], reason: 'image decoding failed' });
    // an unreadable record's envelope (no key), an unreadable message's, and no JSON: no object
    expect(objectsOfAwsLetter(JSON.stringify(deadLetterForObject({ bucket: 'b', key: '' }, 'S3 record has no object key', 1, now))).objects).to.deep.equal([]);
    expect(objectsOfAwsLetter(unreadable).objects).to.deep.equal([]);
    expect(objectsOfAwsLetter('{not json').objects).to.deep.equal([]);
  });
});

describe('redrive images: one letter', () => {
  it('says which object the store refused to rewrite, goes on with the next, and keeps the letter', async () => {
    const announce = async (key: string) => {
      if (key === 'archived.jpg') throw new Error('InvalidObjectState: the object is archived');
      return 'announced' as const;
    };
    const replay = await replayLetter('l-1', [{ bucket: 'o', key: 'archived.jpg' }, { bucket: 'o', key: 'fine.jpg' }], 'o', announce, { dryRun: false, limit: 1 });
    expect(replay.lines.map((l) => l.action)).to.deep.equal(['failed: InvalidObjectState: the object is archived', 'replayed']);
    expect(replay.done).to.equal(false);
    expect((await replayLetter('l-2', [{ bucket: 'o', key: 'fine.jpg' }], 'o', announce, { dryRun: false, limit: 1 })).done).to.equal(true);
  });
});

describe('redrive images: AWS on fauxqs and s3rver', function () {
  this.timeout(90_000);

  it('re-announces every object its letters name by a copy onto itself, removes those letters, keeps the others; a dry run changes nothing', async () => {
    const tag = randomUUID().slice(0, 8);
    const originals = `originals-${tag}`;
    const compressed = `compressed-${tag}`;
    const foreign = `foreign-${tag}`;
    const h = await imagesHarness(originals, compressed);
    const { s3 } = h.s3;
    await h.s3.createBucket(foreign);
    const photo = imageFixture('jpeg-grayscale-hopper.jpg');
    const put = (bucket: string, key: string) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: photo, ContentType: 'image/jpeg', CacheControl: 'max-age=60', Metadata: { owner: 'user-1' } }));
    for (const key of ['my photo.jpg', 'b.jpg', 'deleted.jpg']) await put(originals, key);
    await put(foreign, 'theirs.jpg');
    await s3.send(new DeleteObjectCommand({ Bucket: originals, Key: 'deleted.jpg' }));
    const letters = [onFailureRecord(originals, 'my photo.jpg'), envelopeOf(originals, 'b.jpg'), unreadable, envelopeOf(originals, 'deleted.jpg'), envelopeOf(foreign, 'theirs.jpg')];
    const fill = async () => {
      const queue = await createQueue(h.sqs, `images-dlq-${tag}`);
      for (const body of letters) await h.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
      return queue;
    };
    const copies = () => h.s3.events.flatMap((e) => e.Records as { eventName: string; s3: { bucket: { name: string }; object: { key: string } } }[]).filter((r) => r.s3.bucket.name === originals && r.eventName === 'ObjectCreated:Copy');

    const dryQueue = await fill();
    const dry = await redriveAwsImages(h.sqs, s3, { deadLetterQueueUrl: dryQueue.url, originalsBucket: originals }, { dryRun: true, limit: 10 });
    expect(dry.map((m) => [m.object ?? '-', m.action]).sort()).to.deep.equal([
      ['-', 'skipped: the letter names no object'],
      [`${foreign}/theirs.jpg`, `skipped: ${foreign} is not the stack's originals bucket ${originals}`],
      [`${originals}/b.jpg`, 'would replay'],
      [`${originals}/deleted.jpg`, 'would replay'],
      [`${originals}/my photo.jpg`, 'would replay'],
    ]);
    expect(copies()).to.deep.equal([]);
    expect(await remaining(h.sqs, dryQueue.url)).to.equal(5);

    const queue = await fill();
    const before = await s3.send(new HeadObjectCommand({ Bucket: originals, Key: 'my photo.jpg' }));
    const moved = await redriveAwsImages(h.sqs, s3, { deadLetterQueueUrl: queue.url, originalsBucket: originals }, { dryRun: false, limit: 10 });
    expect(moved.map((m) => [m.object ?? '-', m.action]).sort()).to.deep.equal([
      ['-', 'skipped: the letter names no object'],
      [`${foreign}/theirs.jpg`, `skipped: ${foreign} is not the stack's originals bucket ${originals}`],
      [`${originals}/b.jpg`, 'replayed'],
      [`${originals}/deleted.jpg`, 'skipped: the object no longer exists'],
      [`${originals}/my photo.jpg`, 'replayed'],
    ]);
    expect(moved.find((m) => m.object === `${originals}/my photo.jpg`)!.reason).to.match(/^RetriesExhausted after 3 invocations: 1 object\(s\) failed/);
    // S3 announced both objects again, as copies; the foreign bucket was never written
    expect(copies().map((r) => decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '))).sort()).to.deep.equal(['b.jpg', 'my photo.jpg']);
    expect(h.s3.events.flatMap((e) => e.Records as { s3: { bucket: { name: string } } }[]).filter((r) => r.s3.bucket.name === foreign && (r as { eventName?: string }).eventName === 'ObjectCreated:Copy')).to.deep.equal([]);
    // same bytes, same content type, caching and owner metadata
    const after = await s3.send(new GetObjectCommand({ Bucket: originals, Key: 'my photo.jpg' }));
    expect(Buffer.from(await after.Body!.transformToByteArray()).equals(photo)).to.equal(true);
    expect([after.ContentType, after.CacheControl, after.Metadata]).to.deep.equal([before.ContentType, before.CacheControl, before.Metadata]);
    expect(after.Metadata).to.deep.equal({ owner: 'user-1' });
    // removed: the two replayed and the deleted object's; kept: the unreadable one and the foreign one
    expect(await remaining(h.sqs, queue.url)).to.equal(2);

    // what S3 announced is processed as an upload: the images entry point makes the compressed copy
    const summary = await createImagesHandler(h.wiring)({ Records: copies() } as unknown as S3Event);
    expect(summary.results).to.have.length(2);
    expect(await new S3BlobStore(s3).get(compressed, 'compressed/my photo.jpg')).to.not.equal(undefined);
  });

  it('leaves an object replaced since it was read to its own event (CopySourceIfMatch)', async () => {
    const tag = randomUUID().slice(0, 8);
    const originals = `originals-${tag}`;
    const h = await imagesHarness(originals, `compressed-${tag}`);
    await h.s3.s3.send(new PutObjectCommand({ Bucket: originals, Key: 'a.jpg', Body: imageFixture('tiny-1x1.png') }));
    // the upload lands between the HeadObject and the CopyObject
    const s3 = h.s3.s3;
    const racing = Object.create(s3) as typeof s3;
    racing.send = (async (command: unknown) => {
      const out = await s3.send(command as never);
      if (command instanceof HeadObjectCommand) await s3.send(new PutObjectCommand({ Bucket: originals, Key: 'a.jpg', Body: imageFixture('jpeg-grayscale-hopper.jpg') }));
      return out;
    }) as typeof s3.send;
    const queue = await createQueue(h.sqs, `images-dlq-${tag}`);
    await h.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: envelopeOf(originals, 'a.jpg') }));
    const moved = await redriveAwsImages(h.sqs, racing, { deadLetterQueueUrl: queue.url, originalsBucket: originals }, { dryRun: false, limit: 10 });
    expect(moved.map((m) => m.action)).to.deep.equal(['skipped: replaced since; its own event processes it']);
    const kept = await s3.send(new GetObjectCommand({ Bucket: originals, Key: 'a.jpg' }));
    expect(Buffer.from(await kept.Body!.transformToByteArray()).equals(imageFixture('jpeg-grayscale-hopper.jpg'))).to.equal(true);
    expect(await remaining(h.sqs, queue.url)).to.equal(0);
  });
});

/** Letters on the queue, visible or hidden by a receive. */
async function remaining(sqs: Awaited<ReturnType<typeof imagesHarness>>['sqs'], url: string): Promise<number> {
  const { Attributes } = await sqs.send(new QueueAttributes({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}
