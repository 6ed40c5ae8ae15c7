/**
 * An original overwritten while its compression runs (issue 19, defect 2), on every BlobStore:
 * the compressed copy must end describing the LATEST original, whatever order the two deliveries
 * finish in. Upload A, start compressing it, overwrite the key with B and compress B to the end,
 * then let A finish: A must write nothing. Two places to hold A, the two checks of
 * handlers/images/latest-copy.ts:
 * - right after A read its original (before it re-checks the original): the re-check sees B;
 * - at A's write of the copy (after its re-check passed): the conditional write finds the copy
 *   changed since A looked at it.
 * Before the fix A's unconditional put left a copy whose `source-etag` named A forever.
 * Then random overlaps of two deliveries, with no hold, end the same way.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectCreated } from '../../handlers/events';
import { compressImage, type ImagesConfig } from '../../handlers/images';
import type { BlobStore } from '../../handlers/ports/blob-store';
import { silentLogger } from '../../handlers/ports/logger';
import { imagesSpec } from '../../handlers/specs';
import { imageFixture } from '../support/fixtures';
import { blobStoresUnderTest, type OpenBlobStore } from '../support/reliability-blob-stores';

type HoldAt = 'after reading the original' | 'at the write of the copy';

/** A store that stops one delivery at `holdAt` until `resume()`; `held` resolves once it stopped. */
function holding(store: BlobStore, holdAt: HoldAt) {
  let read = false;
  let stopped = false;
  let markHeld!: () => void;
  let resume!: () => void;
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  const gate = new Promise<void>((resolve) => (resume = resolve));
  const hold = async (call: 'head' | 'get' | 'put') => {
    const due = holdAt === 'at the write of the copy' ? call === 'put' : read;
    if (!due || stopped) return;
    stopped = true;
    markHeld();
    await gate;
  };
  const blobs: BlobStore = {
    head: async (b, k) => (await hold('head'), store.head(b, k)),
    get: async (b, k) => {
      await hold('get');
      const got = await store.get(b, k);
      read = true;
      return got;
    },
    put: async (b, k, bytes, options) => (await hold('put'), store.put(b, k, bytes, options)),
  };
  return { blobs, held, resume };
}

const A = imageFixture('exif-orientation-Landscape_6.jpg');
const B = imageFixture('png-rgba-8bit-basn6a08.png');
const clock = { now: () => new Date() };

async function uploadTo(s: OpenBlobStore, key: string, bytes: Uint8Array): Promise<ObjectCreated> {
  await s.store.put(s.originals, key, bytes, { contentType: 'application/octet-stream', metadata: {} });
  const head = await s.store.head(s.originals, key);
  return { bucket: s.originals, key, size: bytes.byteLength, etag: head!.etag };
}

for (const storeUnderTest of blobStoresUnderTest) {
  describe(`reliability: an original overwritten during its compression, on ${storeUnderTest.name}`, function () {
    this.timeout(120_000);
    let s: OpenBlobStore;
    let config: ImagesConfig;
    before(async function () {
      const opened = await storeUnderTest.open();
      if (typeof opened === 'string') {
        console.warn(`  skipped: ${opened}`);
        return this.skip();
      }
      s = opened;
      config = { ...imagesSpec.settings, compressedBucket: s.compressed };
    });
    after(async () => s?.close());

    async function expectCopyOfLatest(key: string): Promise<string> {
      const original = await s.store.head(s.originals, key);
      const copy = await s.store.head(s.compressed, `${config.outputPrefix}${key}`);
      expect(copy, 'a compressed copy').to.not.equal(undefined);
      expect(copy!.metadata['source-etag'], 'the copy names the current original').to.equal(original!.etag);
      return original!.etag!;
    }

    for (const holdAt of ['after reading the original', 'at the write of the copy'] as const) {
      it(`an older delivery held ${holdAt} and overtaken by a newer one writes nothing`, async () => {
        const key = `race-${randomUUID().slice(0, 8)}.jpg`;
        const eventA = await uploadTo(s, key, A);
        const a = holding(s.store, holdAt);
        const runA = compressImage(eventA, { blobs: a.blobs, clock, logger: silentLogger }, config);
        await a.held;

        const eventB = await uploadTo(s, key, B);
        expect(eventB.etag).to.not.equal(eventA.etag);
        expect(await compressImage(eventB, { blobs: s.store, clock, logger: silentLogger }, config)).to.include({ outcome: 'compressed' });

        a.resume();
        const resultA = await runA;
        expect(resultA.outcome, JSON.stringify(resultA)).to.equal('skipped');
        expect(await expectCopyOfLatest(key)).to.equal(eventB.etag);
      });
    }

    it('random overlaps of two deliveries for one key always end with the copy of the latest original', async () => {
      for (let trial = 0; trial < 6; trial++) {
        const key = `overlap-${trial}-${randomUUID().slice(0, 8)}.jpg`;
        const [first, second] = trial % 2 === 0 ? [A, B] : [B, A];
        const eventFirst = await uploadTo(s, key, first);
        const runFirst = compressImage(eventFirst, { blobs: s.store, clock, logger: silentLogger }, config);
        await sleep(Math.floor(Math.random() * 40));
        const eventSecond = await uploadTo(s, key, second);
        const runSecond = compressImage(eventSecond, { blobs: s.store, clock, logger: silentLogger }, config);
        await Promise.all([runFirst, runSecond]);
        expect(await expectCopyOfLatest(key), `trial ${trial}`).to.equal(eventSecond.etag);
      }
    });
  });
}
