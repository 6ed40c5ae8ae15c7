/**
 * `npm run redrive -- <stack> images` on the clouds: each letter names an object of the originals
 * bucket, and the replay rewrites that object onto itself so that the bucket announces it again
 * (scripts/redrive/objects.ts). Against real peers: SQS on fauxqs and S3 on s3rver; blobs on
 * Azurite; the Pub/Sub emulator and the Cloud Storage JSON API stand-in. Each dead-letter store
 * holds the letters its cloud writes (the platform's and ours), one naming no object, one naming a
 * deleted object and one naming another bucket.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand as QueueAttributes, SendMessageCommand } from '@aws-sdk/client-sqs';
import { BlobServiceClient } from '@azure/storage-blob';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImagesHandler } from '../../adapters/aws/images';
import type { S3Event } from '../../adapters/aws/events/object-created';
import { S3BlobStore } from '../../adapters/aws/ports/blob-store';
import { deadLetterForMessage, deadLetterForObject } from '../../handlers/delivery';
import { objectsOfAwsLetter, redriveAwsImages } from '../../scripts/redrive/aws-images';
import { blobAnnounce } from '../../scripts/redrive/azure-images';
import { redrive, report } from '../../scripts/redrive/index';
import { createQueue } from '../support/aws-queues';
import { startAzurite } from '../support/azure-peers';
import { gcpPeers, gcpPeersMissing } from '../support/gcp-peers';
import { startGcsStandIn } from '../adapters/gcp/support/gcs-stand-in';
import { redriveGcpImages } from '../../scripts/redrive/gcp-images';
import { eventFixture, imageFixture } from '../support/fixtures';
import { imagesHarness } from '../adapters/aws/harness';

const now = new Date();
const envelopeOf = (bucket: string, key: string) => JSON.stringify(deadLetterForObject({ bucket, key }, 'image decoding failed', 1, now));
const unreadable = JSON.stringify(deadLetterForMessage('images', 'not an S3 event', 'SQS message m-1 is not JSON: not an S3 or EventBridge event', 1, now));

/**
 * Lambda's on-failure destination record of an asynchronous invocation that failed every retry,
 * around the captured S3 event renamed to our bucket and key; the record's shape is AWS's example:
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
function onFailureRecord(bucket: string, key: string): string {
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

/**
 * Event Grid's dead letter of the captured BlobCreated event, renamed to our container and blob: a
 * blob holding a JSON array of events, each with the dead-letter fields Event Grid adds
 * (https://learn.microsoft.com/azure/event-grid/delivery-and-retry#dead-letter-events).
 */
function eventGridDeadLetter(...blobs: { container: string; name: string }[]): string {
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

describe('redrive images: Azure on Azurite', function () {
  this.timeout(90_000);
  it('re-uploads every blob its letters name onto itself (If-Match), through the command; deletes those letters, keeps the others', async function () {
    const azurite = await startAzurite();
    if (!azurite) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'redrive-images-azure-'));
    try {
      const blobs = BlobServiceClient.fromConnectionString(azurite!.connectionString);
      const tag = randomUUID().slice(0, 8);
      const [originals, foreign, deadLetters] = [`originals-${tag}`, `foreign-${tag}`, `images-dead-letters-${tag}`];
      for (const name of [originals, foreign, deadLetters]) await blobs.getContainerClient(name).create();
      const photo = imageFixture('jpeg-grayscale-hopper.jpg');
      const upload = (container: string, name: string) =>
        blobs.getContainerClient(container).getBlockBlobClient(name).uploadData(photo, {
          blobHTTPHeaders: { blobContentType: 'image/jpeg', blobCacheControl: 'max-age=60' },
          metadata: { owner: 'user1' },
        });
      for (const name of ['photos/my photo.jpg', 'b.jpg', 'deleted.jpg']) await upload(originals, name);
      await upload(foreign, 'theirs.jpg');
      await blobs.getContainerClient(originals).deleteBlob('deleted.jpg');
      const before = await blobs.getContainerClient(originals).getBlobClient('photos/my photo.jpg').getProperties();
      const theirs = await blobs.getContainerClient(foreign).getBlobClient('theirs.jpg').getProperties();
      const letters = blobs.getContainerClient(deadLetters);
      const write = (name: string, text: string) => letters.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
      await write('ORIGINALS-CREATED/2021/8/16/3/0a8c1a1e-1111-4111-8111-111111111111.json', eventGridDeadLetter({ container: originals, name: 'photos/my photo.jpg' }));
      await write('ORIGINALS-CREATED/2021/8/16/3/0a8c1a1e-2222-4222-8222-222222222222.json', eventGridDeadLetter({ container: foreign, name: 'theirs.jpg' }));
      await write(`images/${now.toISOString()}/b.jpg.json`, envelopeOf(originals, 'b.jpg'));
      await write(`images/${now.toISOString()}/deleted.jpg.json`, envelopeOf(originals, 'deleted.jpg'));
      await write('unreadable.json', 'not json');
      const names = async () => {
        const got: string[] = [];
        for await (const b of letters.listBlobsFlat()) got.push(b.name);
        return got.sort();
      };
      const all = await names();

      writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ imagesDeadLetterContainerName: deadLetters, originalsContainerName: originals }));
      const env = { REDRIVE_STACK_OUTPUTS: join(dir, 'outputs.json'), REDRIVE_LOCK_DIR: dir, AZURE_STORAGE_CONNECTION_STRING: azurite!.connectionString };
      const dry = await redrive({ stack: 'dev-azure', fn: 'images', dryRun: true, limit: 10 }, env);
      expect(dry.filter((m) => m.action === 'would replay').map((m) => m.object).sort()).to.deep.equal([`${originals}/b.jpg`, `${originals}/deleted.jpg`, `${originals}/photos/my photo.jpg`]);
      expect(await names()).to.deep.equal(all);
      expect((await blobs.getContainerClient(originals).getBlobClient('photos/my photo.jpg').getProperties()).etag).to.equal(before.etag);

      const moved = await redrive({ stack: 'dev-azure', fn: 'images', dryRun: false, limit: 10 }, env);
      expect(moved.map((m) => [m.object ?? '-', m.action]).sort()).to.deep.equal([
        ['-', 'skipped: the letter names no object'],
        [`${foreign}/theirs.jpg`, `skipped: ${foreign} is not the stack's originals bucket ${originals}`],
        [`${originals}/b.jpg`, 'replayed'],
        [`${originals}/deleted.jpg`, 'skipped: the object no longer exists'],
        [`${originals}/photos/my photo.jpg`, 'replayed'],
      ]);
      expect(moved.find((m) => m.object === `${originals}/photos/my photo.jpg`)!.reason).to.equal('MaxDeliveryAttemptsExceeded: GenericError after 5 deliveries');
      expect(report(moved, { stack: 'dev-azure', fn: 'images', dryRun: false, limit: 10 })).to.match(/replayed 2 of 5 objects named by images dead letters of dev-azure/);
      // a new version of the same blob: new ETag, same bytes, headers and owner metadata
      const blob = blobs.getContainerClient(originals).getBlobClient('photos/my photo.jpg');
      const after = await blob.getProperties();
      expect(after.etag).to.not.equal(before.etag);
      expect((await blob.downloadToBuffer()).equals(photo)).to.equal(true);
      expect([after.contentType, after.cacheControl, after.metadata]).to.deep.equal([before.contentType, before.cacheControl, { owner: 'user1' }]);
      expect((await blobs.getContainerClient(foreign).getBlobClient('theirs.jpg').getProperties()).etag).to.equal(theirs.etag); // never written
      expect(await names()).to.deep.equal(['ORIGINALS-CREATED/2021/8/16/3/0a8c1a1e-2222-4222-8222-222222222222.json', 'unreadable.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await azurite!.stop();
    }
  });

  it('leaves a blob replaced since it was read to its own event', async function () {
    const azurite = await startAzurite();
    if (!azurite) this.skip();
    try {
      const blobs = BlobServiceClient.fromConnectionString(azurite!.connectionString);
      const tag = randomUUID().slice(0, 8);
      const originals = blobs.getContainerClient(`originals-${tag}`);
      await originals.create();
      await originals.getBlockBlobClient('a.jpg').uploadData(imageFixture('tiny-1x1.png'));
      // the upload lands between the read of the properties and the download
      const client = originals.getBlockBlobClient('a.jpg');
      const racing = Object.create(originals) as typeof originals;
      racing.getBlockBlobClient = () => {
        const raced = Object.create(client) as typeof client;
        raced.getProperties = async (...a) => {
          const properties = await client.getProperties(...a);
          await client.uploadData(imageFixture('jpeg-grayscale-hopper.jpg'));
          return properties;
        };
        return raced;
      };
      expect(await blobAnnounce(racing)('a.jpg')).to.equal('replaced');
      expect((await client.downloadToBuffer()).equals(imageFixture('jpeg-grayscale-hopper.jpg'))).to.equal(true);
    } finally {
      await azurite!.stop();
    }
  });
});

describe('redrive images: Google Cloud on the Pub/Sub emulator and the Cloud Storage stand-in', function () {
  this.timeout(90_000);
  it('rewrites every object its letters name onto itself (a new generation), acks those letters, leaves the others', async function () {
    if (gcpPeersMissing()) this.skip();
    const { projectId } = await gcpPeers();
    const tag = randomUUID().slice(0, 8);
    const [originals, foreign] = [`originals-${tag}`, `foreign-${tag}`];
    const gcs = await startGcsStandIn([originals, foreign]);
    const previous = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = gcs.endpoint;
    process.env.METADATA_SERVER_DETECTION = 'none';
    const storage = new Storage({ projectId });
    if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
    else process.env.STORAGE_EMULATOR_HOST = previous;
    const pubsub = new PubSub({ projectId });
    try {
      const photo = imageFixture('jpeg-grayscale-hopper.jpg');
      const save = (bucket: string, name: string) => storage.bucket(bucket).file(name).save(photo, { resumable: false, contentType: 'image/jpeg', metadata: { metadata: { owner: 'user-1' } } });
      for (const name of ['photos/my photo.jpg', 'deleted.jpg']) await save(originals, name);
      await save(foreign, 'theirs.jpg');
      gcs.objects.delete(`${originals}/deleted.jpg`);
      const before = gcs.objects.get(`${originals}/photos/my photo.jpg`)!.resource;
      const [dead] = await pubsub.createTopic(`images-dead-letters-${tag}`);
      const [kept] = await dead.createSubscription(`images-dead-letters-${tag}-kept`);
      // what adapters/gcp/images.ts publishes (PubSubDeadLetters): the envelope as JSON
      for (const letter of [envelopeOf(originals, 'photos/my photo.jpg'), envelopeOf(originals, 'deleted.jpg'), envelopeOf(foreign, 'theirs.jpg'), unreadable]) {
        await dead.publishMessage({ data: Buffer.from(letter), attributes: { function: 'images' } });
      }
      const target = { deadLetterSubscription: kept.name, originalsBucket: originals };

      const dry = await redriveGcpImages(pubsub, storage, target, { dryRun: true, limit: 10 });
      expect(dry.filter((m) => m.action === 'would replay')).to.have.length(2);
      expect(gcs.objects.get(`${originals}/photos/my photo.jpg`)!.resource.generation).to.equal(before.generation);

      const moved = await redriveGcpImages(pubsub, storage, target, { dryRun: false, limit: 10 });
      expect(moved.map((m) => [m.object ?? '-', m.action]).sort()).to.deep.equal([
        ['-', 'skipped: the letter names no object'],
        [`${foreign}/theirs.jpg`, `skipped: ${foreign} is not the stack's originals bucket ${originals}`],
        [`${originals}/deleted.jpg`, 'skipped: the object no longer exists'],
        [`${originals}/photos/my photo.jpg`, 'replayed'],
      ]);
      const after = gcs.objects.get(`${originals}/photos/my photo.jpg`)!;
      expect(Number(after.resource.generation)).to.be.greaterThan(Number(before.generation)); // a new generation: object.finalized fires
      expect(after.bytes.equals(photo)).to.equal(true);
      expect([after.resource.contentType, after.resource.metadata]).to.deep.equal(['image/jpeg', { owner: 'user-1' }]);
      expect(gcs.calls.filter((c) => c.includes('/rewriteTo/')).map((c) => c.split('?')[0])).to.deep.equal([
        `POST /b/${originals}/o/${encodeURIComponent('photos/my photo.jpg')}/rewriteTo/b/${originals}/o/${encodeURIComponent('photos/my photo.jpg')}`,
      ]);
      expect(gcs.calls.find((c) => c.includes('/rewriteTo/'))).to.include(`ifGenerationMatch=${before.generation}`);
      // acked: the replayed one and the deleted object's; left: the foreign one and the unreadable one
      const left = await redriveGcpImages(pubsub, storage, target, { dryRun: true, limit: 10 });
      expect(left.map((m) => m.object ?? '-').sort()).to.deep.equal(['-', `${foreign}/theirs.jpg`]);
    } finally {
      await pubsub.close();
      await gcs.close();
    }
  });
});
