import { expect } from 'chai';
import sharp from 'sharp';
import { compareToReference, decodeAsShown, expectedSize, reference, similarity } from '../../bench/similarity';
import { imageFixture } from '../support/fixtures';

describe('bench similarity: SSIM wiring', function () {
  this.timeout(30_000);
  const upright = imageFixture('exif-orientation-Landscape_1.jpg');
  const turned = imageFixture('exif-orientation-Landscape_6.jpg'); // stored 1200x1800, shown 1800x1200
  const mirrored = imageFixture('exif-orientation-Landscape_2.jpg');

  it('scores a reference against itself 1 and a JPEG of it between 0.9 and 1', async () => {
    const ref = await reference(upright, 400, 267);
    expect(similarity(ref, ref)).to.equal(1);
    const jpeg = await sharp(upright).resize(400, 267, { fit: 'fill' }).jpeg({ quality: 60 }).toBuffer();
    const score = similarity(ref, await decodeAsShown(jpeg));
    expect(score).to.be.above(0.9).and.below(1);
  });

  it('scores a lower quality lower', async () => {
    const ref = await reference(upright, 400, 267);
    const at = async (quality: number) =>
      similarity(ref, await decodeAsShown(await sharp(upright).resize(400, 267, { fit: 'fill' }).jpeg({ quality }).toBuffer()));
    expect(await at(20)).to.be.below(await at(90));
  });

  it('refuses to compare images of different sizes', async () => {
    const a = await reference(upright, 40, 27);
    const b = await reference(upright, 27, 40);
    expect(() => similarity(a, b)).to.throw('cannot compare 40x27 with 27x40');
  });

  it('expects the displayed shape: a quarter-turn orientation swaps width and height', async () => {
    expect(await expectedSize(upright, 800)).to.deep.equal({ width: 800, height: 533 });
    expect(await expectedSize(turned, 800)).to.deep.equal({ width: 800, height: 533 });
    expect(await expectedSize(imageFixture('tiny-1x1.png'), 800)).to.deep.equal({ width: 1, height: 1 });
  });

  it('calls an output that ignored a quarter-turn orientation the wrong shape, not a score', async () => {
    const ignored = await sharp(turned).resize(800, 800, { fit: 'inside' }).jpeg().toBuffer(); // no rotate()
    const result = await compareToReference(turned, ignored, 800);
    expect(result).to.include({ comparable: false, reason: '533x800, expected 800x533' });
  });

  it('scores a correctly oriented copy high and one that ignored a mirror orientation low', async () => {
    const correct = await sharp(mirrored).rotate().resize(400, 400, { fit: 'inside' }).jpeg({ quality: 85 }).toBuffer();
    const ignored = await sharp(mirrored).resize(400, 400, { fit: 'inside' }).jpeg({ quality: 85 }).toBuffer();
    const good = await compareToReference(mirrored, correct, 400);
    const bad = await compareToReference(mirrored, ignored, 400);
    if (!good.comparable || !bad.comparable) throw new Error('both have the right shape');
    expect(good.ssim).to.be.above(0.9);
    expect(bad.ssim).to.be.below(0.5);
    expect(good.ssimWang).to.be.at.least(good.ssim - 0.05);
  });

  it('compares what is shown: alpha on white, so a transparent PNG matches its flattened copy', async () => {
    const png = imageFixture('png-rgba-8bit-basn6a08.png');
    const flattened = await sharp(png).flatten({ background: '#ffffff' }).png().toBuffer();
    const onBlack = await sharp(png).flatten({ background: '#000000' }).png().toBuffer();
    const white = await compareToReference(png, flattened, 800);
    const black = await compareToReference(png, onBlack, 800);
    if (!white.comparable || !black.comparable) throw new Error('same shape');
    expect(white.ssim).to.be.above(0.99);
    expect(black.ssim).to.be.below(white.ssim - 0.1);
  });
});
