import { expect } from 'chai';
import { imageFixture } from '../../support/fixtures';
import { COMPRESSED, output, testConfig, upload } from './harness';

describe('images: flow', () => {
  describe('skip rules', () => {
    for (const key of ['notes.txt', 'anim.gif', 'photo.jpg.txt', 'README', 'photo.webp', 'jpg']) {
      it(`skips "${key}" (not .jpg/.jpeg/.png) without touching the store`, async () => {
        const u = await upload('tiny-1x1.png', key);
        const result = await u.run();
        expect(result).to.deep.equal({ outcome: 'skipped', bucket: 'originals', key, reason: 'key does not end in .jpg, .jpeg, .png' });
        expect(u.blobs.calls).to.deep.equal({ head: 0, get: 0, put: 0 });
        expect(u.logger.lines).to.have.length(1);
        expect(u.logger.lines[0]).to.deep.include({ level: 'info', msg: 'image skipped' });
        expect(u.logger.lines[0]!.fields).to.include({ function: 'images', outcome: 'skipped', key, reason: result.outcome === 'skipped' ? result.reason : '' });
        expect(u.logger.lines[0]!.fields.duration_ms, 'snake_case like every other function').to.be.a('number');
        expect(u.logger.lines[0]!.fields).to.not.have.property('durationMs');
      });
    }

    for (const key of ['a.JPG', 'b.Jpeg', 'c.PNG', 'dir/with space/é.jpeg']) {
      it(`compresses "${key}": suffixes compare case-insensitively, the key is kept as is`, async () => {
        const u = await upload(imageFixture('tiny-1x1.png'), key);
        expect(await u.run()).to.include({ outcome: 'compressed', outputKey: `compressed/${key}` });
        expect(output(u.blobs, key).contentType).to.equal('image/jpeg');
      });
    }

    it('skips keys under the output prefix (the loop guard) without touching the store', async () => {
      const u = await upload('tiny-1x1.png', 'compressed/tiny.png');
      const result = await u.run();
      expect(result).to.include({ outcome: 'skipped' });
      expect(result.outcome === 'skipped' && result.reason).to.match(/output prefix "compressed\/" \(loop guard\)/);
      expect(u.blobs.calls).to.deep.equal({ head: 0, get: 0, put: 0 });
    });

    it('with an empty output prefix, writes the copy under the same key and skips nothing for it', async () => {
      const u = await upload('tiny-1x1.png', 'tiny.png');
      expect(await u.run(testConfig({ outputPrefix: '' }))).to.include({ outcome: 'compressed', outputKey: 'tiny.png' });
      expect(u.blobs.objects.has(`${COMPRESSED}\u0000tiny.png`)).to.equal(true);
    });
  });

  describe('the compressed copy', () => {
    it('is a JPEG under compressed/<key> with original-size, compressed-size, source-etag, width, height', async () => {
      const name = 'exif-orientation-Landscape_6.jpg';
      const u = await upload(name);
      const result = await u.run();
      const copy = output(u.blobs, name);
      const originalSize = imageFixture(name).byteLength;
      expect(copy.contentType).to.equal('image/jpeg');
      expect(copy.metadata).to.deep.equal({
        'original-size': String(originalSize),
        'compressed-size': String(copy.bytes.byteLength),
        'source-etag': u.event.etag,
        width: '800',
        height: '533',
      });
      expect(result).to.deep.include({
        outcome: 'compressed',
        bucket: 'originals',
        key: name,
        outputBucket: COMPRESSED,
        outputKey: `compressed/${name}`,
        bytesIn: originalSize,
        bytesOut: copy.bytes.byteLength,
        // Stored 1200x1800 with orientation 6: upright it is the 1800x1200 landscape, fitted to 800.
        width: 800,
        height: 533,
        format: 'jpeg',
        inputWidth: 1200,
        inputHeight: 1800,
      });
      expect(copy.bytes.byteLength).to.be.below(originalSize);
      // heads: the copy (re-delivery check), the original (size), the original again just before the write (stale check)
      expect(u.blobs.calls).to.deep.equal({ head: 3, get: 1, put: 1 });
    });

    it('logs one structured line with outcome, bytes in and out, dimensions and duration', async () => {
      const u = await upload('png-palette-8bit-basn3p08.png');
      const result = await u.run();
      expect(u.logger.lines).to.have.length(1);
      const [line] = u.logger.lines;
      expect(line).to.deep.include({ level: 'info', msg: 'image compressed' });
      expect(result.outcome).to.equal('compressed');
      if (result.outcome !== 'compressed') return;
      expect(line!.fields).to.include({
        function: 'images',
        outcome: 'compressed',
        key: 'png-palette-8bit-basn3p08.png',
        bytesIn: 1286,
        bytesOut: result.bytesOut,
        width: 32,
        height: 32,
      });
      // The stepping clock moves 5 ms per read: start and end are two reads apart at least.
      // duration_ms, as on the users and orders lines: one query finds every function's durations.
      expect(line!.fields.duration_ms).to.be.a('number').and.to.equal(result.duration_ms).and.to.be.at.least(5);
      expect(line!.fields).to.not.have.property('durationMs');
    });
  });

  describe('re-delivery (at-least-once)', () => {
    it('skips a second delivery of the same version with one head: no get, no decode, no put', async () => {
      const u = await upload('png-rgba-8bit-basn6a08.png');
      await u.run();
      const firstCopy = output(u.blobs, 'png-rgba-8bit-basn6a08.png');
      u.blobs.calls.head = u.blobs.calls.get = u.blobs.calls.put = 0;

      const again = await u.run();
      expect(again).to.include({ outcome: 'skipped' });
      expect(again.outcome === 'skipped' && again.reason).to.include(u.event.etag);
      expect(u.blobs.calls).to.deep.equal({ head: 1, get: 0, put: 0 });
      expect(output(u.blobs, 'png-rgba-8bit-basn6a08.png')).to.equal(firstCopy);
    });

    it('without an etag in the event, matches the original head etag (two heads, still no get)', async () => {
      const u = await upload('tiny-1x1.png');
      await u.run();
      delete u.event.etag;
      u.blobs.calls.head = u.blobs.calls.get = u.blobs.calls.put = 0;
      expect(await u.run()).to.include({ outcome: 'skipped' });
      expect(u.blobs.calls).to.deep.equal({ head: 2, get: 0, put: 0 });
    });

    it('compresses again when the original was replaced (a new etag)', async () => {
      const u = await upload('tiny-1x1.png', 'pic.png');
      await u.run();
      const replacement = imageFixture('png-palette-8bit-basn3p08.png');
      await u.blobs.put('originals', 'pic.png', replacement, { contentType: 'image/png', metadata: {} });
      const newEtag = (await u.blobs.head('originals', 'pic.png'))!.etag!;
      u.event.etag = newEtag;

      expect(await u.run()).to.include({ outcome: 'compressed', width: 32, height: 32 });
      expect(output(u.blobs, 'pic.png').metadata['source-etag']).to.equal(newEtag);
    });
  });
});
