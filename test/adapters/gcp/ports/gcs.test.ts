/**
 * The BlobStore contract for GcsBlobStore, through the real `@google-cloud/storage` client, against
 * the JSON API stand-in in gcs-stand-in.ts (which lists the calls it covers). The client finds it
 * through STORAGE_EMULATOR_HOST, the variable the library honours for emulators (reads then
 * drop the `/storage/v1` prefix; uploads keep `/upload/storage/v1`).
 */
import { Storage } from '@google-cloud/storage';
import { expect } from 'chai';
import { GcsBlobStore } from '../../../../adapters/gcp/ports/blob-store';
import { describeBlobStoreContract } from '../../../contracts/blob-store.contract';
import { startGcsStandIn, type GcsStandIn } from '../support/gcs-stand-in';

describe('GCP Cloud Storage port', function () {
  let standIn: GcsStandIn;
  let storage: Storage;

  before(async () => {
    standIn = await startGcsStandIn(['originals', 'compressed']);
    process.env.METADATA_SERVER_DETECTION = 'none';
    // The client fixes its endpoints at construction, from STORAGE_EMULATOR_HOST when set (and
    // another suite may have set it for its own stand-in): point it at ours for this one client.
    const previous = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = standIn.endpoint;
    try {
      storage = new Storage({ projectId: 'multicloud-functions-test' });
    } finally {
      if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
      else process.env.STORAGE_EMULATOR_HOST = previous;
    }
  });
  after(async () => {
    await standIn?.close();
  });

  describeBlobStoreContract('gcs (JSON API stand-in)', async () => ({ store: new GcsBlobStore(storage), bucket: 'compressed' }));

  it('writes custom metadata as the object resource\'s `metadata` and in one multipart request', async () => {
    standIn.calls.length = 0;
    await new GcsBlobStore(storage).put('compressed', 'compressed/x.jpg', Buffer.from('jpeg'), {
      contentType: 'image/jpeg',
      metadata: { 'original-size': '10', 'compressed-size': '4', 'source-etag': 'e1' },
    });
    const stored = standIn.objects.get('compressed/compressed/x.jpg');
    expect(stored!.resource.metadata).to.deep.equal({ 'original-size': '10', 'compressed-size': '4', 'source-etag': 'e1' });
    expect(stored!.resource.contentType).to.equal('image/jpeg');
    expect(standIn.calls).to.have.length(1);
    expect(standIn.calls[0]).to.match(/^POST \/upload\/storage\/v1\/b\/compressed\/o\?.*uploadType=multipart/);
  });

  it('fails a download whose bytes do not match the stored checksum', async () => {
    const store = new GcsBlobStore(storage);
    await store.put('originals', 'tampered.bin', Buffer.from('original bytes'), { contentType: 'application/octet-stream', metadata: {} });
    standIn.objects.get('originals/tampered.bin')!.bytes = Buffer.from('tampered bytes');
    let thrown: unknown;
    await store.get('originals', 'tampered.bin').catch((err: unknown) => (thrown = err));
    expect(String(thrown)).to.match(/downloaded data did not match/i);
  });
});
