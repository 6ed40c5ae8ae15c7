/**
 * `npm run redrive -- <stack> images` on Google Cloud: our envelopes on the images dead-letter
 * topic's kept subscription (the Pub/Sub emulator); each named object is rewritten onto itself,
 * conditional on the generation just read, on the Cloud Storage JSON API stand-in
 * (scripts/redrive/gcp-images.ts).
 */
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { redriveGcpImages } from '../../scripts/redrive/gcp-images';
import { startGcsStandIn } from '../adapters/gcp/support/gcs-stand-in';
import { imageFixture } from '../support/fixtures';
import { gcpPeers, gcpPeersMissing } from '../support/gcp-peers';
import { envelopeOf, unreadable } from './support/image-letters';

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

