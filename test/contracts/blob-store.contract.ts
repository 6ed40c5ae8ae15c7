/**
 * The BlobStore contract: every implementation (memory, local, S3, Azure Blob, GCS) runs it.
 * Usage: `describeBlobStoreContract('s3', async () => ({ store, bucket }))`.
 */
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import type { BlobStore } from '../../handlers/ports/blob-store';

export interface BlobStoreHarness {
  store: BlobStore;
  /** A bucket (container) that exists and that the test may write to. */
  bucket: string;
}

export function describeBlobStoreContract(name: string, makeHarness: () => Promise<BlobStoreHarness>) {
  describe(`BlobStore contract: ${name}`, function () {
    this.timeout(30_000);
    let h: BlobStoreHarness;
    const prefix = `contract-${randomUUID().slice(0, 8)}/`;

    before(async () => {
      h = await makeHarness();
    });

    it('returns what was put: bytes, content type and metadata', async () => {
      const bytes = randomBytes(4096);
      await h.store.put(h.bucket, `${prefix}a.bin`, bytes, {
        contentType: 'image/jpeg',
        metadata: { 'original-size': '4096', 'source-etag': 'abc123' },
      });
      const got = await h.store.get(h.bucket, `${prefix}a.bin`);
      expect(got, 'object').to.not.equal(undefined);
      expect(Buffer.from(got!.bytes).equals(bytes)).to.equal(true);
      expect(got!.size).to.equal(4096);
      expect(got!.contentType).to.equal('image/jpeg');
      expect(got!.metadata).to.include({ 'original-size': '4096', 'source-etag': 'abc123' });
    });

    it('heads an object without its bytes', async () => {
      await h.store.put(h.bucket, `${prefix}head.bin`, Buffer.from('hello'), {
        contentType: 'text/plain',
        metadata: { 'compressed-size': '5' },
      });
      const head = await h.store.head(h.bucket, `${prefix}head.bin`);
      expect(head).to.not.equal(undefined);
      expect(head!.size).to.equal(5);
      expect(head!.metadata).to.include({ 'compressed-size': '5' });
      expect(head).to.not.have.property('bytes');
    });

    it('answers undefined for a missing object, from get and from head', async () => {
      expect(await h.store.get(h.bucket, `${prefix}missing.jpg`)).to.equal(undefined);
      expect(await h.store.head(h.bucket, `${prefix}missing.jpg`)).to.equal(undefined);
    });

    it('replaces an object that is put again', async () => {
      const key = `${prefix}twice.txt`;
      await h.store.put(h.bucket, key, Buffer.from('first'), { contentType: 'text/plain', metadata: { 'source-etag': 'one' } });
      await h.store.put(h.bucket, key, Buffer.from('second!'), { contentType: 'text/plain', metadata: { 'source-etag': 'two' } });
      const got = await h.store.get(h.bucket, key);
      expect(Buffer.from(got!.bytes).toString()).to.equal('second!');
      expect(got!.metadata['source-etag']).to.equal('two');
    });

    it('keeps keys with spaces, plus signs, unicode and slashes apart and intact', async () => {
      const keys = [`${prefix}a b.jpg`, `${prefix}a+b.jpg`, `${prefix}dir/sub/ünïcode 照片.png`, `${prefix}100%.jpg`];
      for (const [i, key] of keys.entries()) {
        await h.store.put(h.bucket, key, Buffer.from(String(i)), { contentType: 'text/plain', metadata: {} });
      }
      for (const [i, key] of keys.entries()) {
        const got = await h.store.get(h.bucket, key);
        expect(got, key).to.not.equal(undefined);
        expect(Buffer.from(got!.bytes).toString(), key).to.equal(String(i));
      }
    });

    it('stores a large binary object byte for byte', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      await h.store.put(h.bucket, `${prefix}large.bin`, bytes, { contentType: 'application/octet-stream', metadata: {} });
      const got = await h.store.get(h.bucket, `${prefix}large.bin`);
      expect(got!.size).to.equal(bytes.length);
      expect(Buffer.from(got!.bytes).equals(bytes)).to.equal(true);
    });
  });
}
