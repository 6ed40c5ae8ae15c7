/**
 * The BlobStore contract: every implementation (memory, local, S3, Azure Blob, GCS) runs it.
 * Usage: `describeBlobStoreContract('s3', async () => ({ store, bucket }))`.
 */
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import { isObjectChanged, type BlobStore } from '../../handlers/ports/blob-store';

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

    describe('conditional puts (ifVersion)', () => {
      const text = (s: string) => Buffer.from(s);
      const opts = (tag: string) => ({ contentType: 'text/plain', metadata: { 'source-etag': tag } });
      async function refusal(work: Promise<void>): Promise<unknown> {
        try {
          await work;
        } catch (err) {
          return err;
        }
        throw new Error('the conditional put was not refused');
      }

      it('creates with ifVersion null only while there is no object', async () => {
        const key = `${prefix}create-only.txt`;
        await h.store.put(h.bucket, key, text('first'), { ...opts('one'), ifVersion: null });
        const err = await refusal(h.store.put(h.bucket, key, text('second'), { ...opts('two'), ifVersion: null }));
        expect(isObjectChanged(err), String(err)).to.equal(true);
        const got = await h.store.get(h.bucket, key);
        expect(Buffer.from(got!.bytes).toString()).to.equal('first');
        expect(got!.metadata['source-etag']).to.equal('one');
      });

      it('replaces the version that was read, and refuses a version that is no longer current', async () => {
        const key = `${prefix}compare-and-swap.txt`;
        await h.store.put(h.bucket, key, text('v1'), opts('one'));
        const v1 = await h.store.head(h.bucket, key);
        expect(v1!.version, 'head gives a version').to.be.a('string').and.not.equal('');
        // a writer that read v1 wins ...
        await h.store.put(h.bucket, key, text('v2 from a newer writer'), { ...opts('two'), ifVersion: v1!.version! });
        const v2 = await h.store.get(h.bucket, key);
        expect(v2!.version).to.not.equal(v1!.version);
        // ... and a second writer that also read v1 writes nothing
        const err = await refusal(h.store.put(h.bucket, key, text('v2 from an older writer'), { ...opts('stale'), ifVersion: v1!.version! }));
        expect(isObjectChanged(err), String(err)).to.equal(true);
        const after = await h.store.get(h.bucket, key);
        expect(Buffer.from(after!.bytes).toString()).to.equal('v2 from a newer writer');
        expect(after!.metadata['source-etag']).to.equal('two');
        // the version get returned is the one a conditional put accepts
        await h.store.put(h.bucket, key, text('v3'), { ...opts('three'), ifVersion: v2!.version! });
        expect(Buffer.from((await h.store.get(h.bucket, key))!.bytes).toString()).to.equal('v3');
      });

      it('refuses a version put for an object that does not exist', async () => {
        const key = `${prefix}cas-missing.txt`;
        await h.store.put(h.bucket, `${prefix}cas-other.txt`, text('x'), opts('x'));
        const other = await h.store.head(h.bucket, `${prefix}cas-other.txt`);
        const err = await refusal(h.store.put(h.bucket, key, text('y'), { ...opts('y'), ifVersion: other!.version! }));
        expect(isObjectChanged(err), String(err)).to.equal(true);
        expect(await h.store.head(h.bucket, key)).to.equal(undefined);
      });
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
