import { expect } from 'chai';
import { isPermanent, PermanentError } from '../../../handlers/errors';
import { compressImage } from '../../../handlers/images';
import type { BlobStore } from '../../../handlers/ports/blob-store';
import { silentLogger } from '../../../handlers/ports/logger';
import { imageFixture } from '../../support/fixtures';
import { MemoryBlobStore } from '../../support/memory';
import { jpegClaiming, pngClaiming } from './headers';
import { ORIGINALS, steppingClock, testConfig, upload } from './harness';

/** Runs `work` and returns what it threw (failing the test when it did not throw). */
async function failure(work: () => Promise<unknown>): Promise<Error & { reason?: string }> {
  try {
    await work();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure, got none');
}

describe('images: refusals', () => {
  for (const [name, format] of [
    ['gif-animated-thumbor.gif', 'gif'],
    ['webp-lossy-hopper.webp', 'webp'],
  ] as const) {
    it(`refuses ${format} by its bytes when named .jpg or .png`, async () => {
      // Under its own suffix it would be skipped, not refused: only a renamed file reaches the decoder.
      for (const key of ['renamed.jpg', 'renamed.PNG']) {
        const u = await upload(imageFixture(name), key);
        const err = await failure(u.run);
        expect(isPermanent(err), key).to.equal(true);
        expect(err.reason).to.equal(`unsupported format: ${format}`);
        expect(u.blobs.calls.put).to.equal(0);
      }
    });
  }

  for (const [name, decoderSays] of [
    ['corrupt-1-byte-not-an-image.jpg', 'unsupported image format'],
    ['corrupt-truncated-progressive.jpg', 'premature end of JPEG'],
  ] as const) {
    it(`refuses ${name} with the decoder's reason`, async () => {
      const u = await upload(name);
      const err = await failure(u.run);
      expect(err).to.be.instanceOf(PermanentError);
      expect(err.reason).to.match(/^corrupt or unreadable image: /).and.to.include(decoderSays);
      expect(u.blobs.calls.put).to.equal(0);
    });
  }

  it('refuses an object over maxObjectBytes from its head, without downloading it', async () => {
    const name = 'exif-orientation-Landscape_1.jpg';
    const size = imageFixture(name).byteLength;
    const u = await upload(name);
    const err = await failure(() => u.run(testConfig({ maxObjectBytes: size - 1 })));
    expect(isPermanent(err)).to.equal(true);
    expect(err.reason).to.equal(`object too large: ${size} bytes exceeds the limit of ${size - 1}`);
    expect(u.blobs.calls).to.deep.equal({ head: 2, get: 0, put: 0 });

    const atLimit = await upload(name);
    expect(await atLimit.run(testConfig({ maxObjectBytes: size }))).to.include({ outcome: 'compressed' });
  });

  it('refuses a PNG whose header claims 100 MP before decoding (default limit 50 MP)', async () => {
    const u = await upload(pngClaiming(imageFixture('tiny-1x1.png'), 10_000, 10_000), 'huge.png');
    const err = await failure(u.run);
    expect(isPermanent(err)).to.equal(true);
    // Our header check's words, not the decoder's: the pixels were never decoded.
    expect(err.reason).to.equal('image too large: 10000x10000 = 100000000 pixels exceeds the limit of 50000000');
    expect(u.blobs.calls.put).to.equal(0);
  });

  it('refuses a JPEG whose frame header claims 20000x20000 before decoding', async () => {
    // libjpeg itself stops at 65500 per side; 400 MP is well inside what it parses.
    const u = await upload(jpegClaiming(imageFixture('jpeg-grayscale-hopper.jpg'), 20_000, 20_000), 'huge.jpg');
    const err = await failure(u.run);
    expect(isPermanent(err)).to.equal(true);
    expect(err.reason).to.equal('image too large: 20000x20000 = 400000000 pixels exceeds the limit of 50000000');
  });

  it('applies maxPixels from the config, the limit itself allowed', async () => {
    const name = 'exif-orientation-Landscape_1.jpg'; // 1800x1200 = 2,160,000 pixels
    const over = await upload(name);
    expect((await failure(() => over.run(testConfig({ maxPixels: 2_159_999 })))).reason).to.match(/^image too large/);
    const at = await upload(name);
    expect(await at.run(testConfig({ maxPixels: 2_160_000 }))).to.include({ outcome: 'compressed' });
  });

  it('refuses a missing original as permanent: "object not found"', async () => {
    const blobs = new MemoryBlobStore();
    const event = { bucket: ORIGINALS, key: 'gone.jpg', etag: 'abc' };
    const err = await failure(() => compressImage(event, { blobs, clock: steppingClock(), logger: silentLogger }, testConfig()));
    expect(isPermanent(err)).to.equal(true);
    expect(err.reason).to.equal('object not found: originals/gone.jpg');
  });

  it('refuses a configuration whose compressed bucket is the originals bucket, touching nothing', async () => {
    const u = await upload('tiny-1x1.png');
    const err = await failure(() => u.run(testConfig({ compressedBucket: ORIGINALS })));
    expect(isPermanent(err)).to.equal(true);
    expect(err.reason).to.match(/^configuration error: compressedBucket "originals" is the bucket that triggers/);
    expect(u.blobs.calls).to.deep.equal({ head: 0, get: 0, put: 0 });
  });

  for (const [overrides, says] of [
    [{ compressedBucket: '' }, 'compressedBucket is empty'],
    [{ maxDimension: 0 }, 'maxDimension must be a positive integer, got 0'],
    [{ jpegQuality: 101 }, 'jpegQuality must be an integer 1-100, got 101'],
    [{ jpegQuality: 8.5 }, 'jpegQuality must be an integer 1-100, got 8.5'],
  ] as const) {
    it(`refuses an unusable configuration: ${says}`, async () => {
      const u = await upload('tiny-1x1.png');
      const err = await failure(() => u.run(testConfig(overrides)));
      expect(isPermanent(err)).to.equal(true);
      expect(err.reason).to.equal(`configuration error: ${says}`);
    });
  }

  for (const failing of ['head', 'get', 'put'] as const) {
    it(`lets a store failure in ${failing} propagate as retryable, not permanent`, async () => {
      const u = await upload('tiny-1x1.png');
      const outage = new Error(`connect ECONNREFUSED 127.0.0.1:9 (${failing})`);
      const flaky: BlobStore = {
        head: (b, k) => (failing === 'head' ? Promise.reject(outage) : u.blobs.head(b, k)),
        get: (b, k) => (failing === 'get' ? Promise.reject(outage) : u.blobs.get(b, k)),
        put: (b, k, bytes, o) => (failing === 'put' ? Promise.reject(outage) : u.blobs.put(b, k, bytes, o)),
      };
      const err = await failure(() => compressImage(u.event, { blobs: flaky, clock: steppingClock(), logger: silentLogger }, testConfig()));
      expect(err).to.equal(outage);
      expect(isPermanent(err)).to.equal(false);
    });
  }
});
