/**
 * `npm run redrive -- <stack> images` on Azure, through the command: Event Grid's dead-letter blobs
 * and our envelopes in the images dead-letter container on Azurite; each named blob is uploaded
 * again onto itself, conditional on the ETag just read (scripts/redrive/azure-images.ts).
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobAnnounce } from '../../scripts/redrive/azure-images';
import { redrive, report } from '../../scripts/redrive/index';
import { startAzurite } from '../support/azure-peers';
import { imageFixture } from '../support/fixtures';
import { envelopeOf, eventGridDeadLetter, now } from './support/image-letters';

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

