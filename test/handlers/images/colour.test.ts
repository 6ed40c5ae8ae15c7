import { expect } from 'chai';
import sharp from 'sharp';
import { imageFixture } from '../../support/fixtures';
import { output, pixels, upload } from './harness';

/** Every (x, y) whose alpha is 0 together with its whole 5x5 neighbourhood (clear of JPEG ringing). */
async function clearlyTransparent(png: Buffer): Promise<Array<[number, number]>> {
  const { data, width, height, channels } = await pixels(png);
  expect(channels).to.equal(4);
  const alpha = (x: number, y: number) => data[(y * width + x) * 4 + 3]!;
  const found: Array<[number, number]> = [];
  for (let y = 2; y < height - 2; y++) {
    for (let x = 2; x < width - 2; x++) {
      let clear = true;
      for (let dy = -2; dy <= 2 && clear; dy++) for (let dx = -2; dx <= 2 && clear; dx++) clear = alpha(x + dx, y + dy) === 0;
      if (clear) found.push([x, y]);
    }
  }
  return found;
}

describe('images: colour and metadata', () => {
  for (const name of ['png-rgba-8bit-basn6a08.png', 'png-palette-with-tRNS-transparency.png']) {
    it(`flattens ${name} onto white: each pixel is its colour blended over white by its alpha`, async () => {
      const u = await upload(name);
      await u.run();
      const input = await pixels(imageFixture(name));
      const out = await pixels(output(u.blobs, name).bytes);
      expect(out.channels).to.equal(3);
      // Both fixtures are small enough to keep their size, so coordinates map one to one.
      expect([out.width, out.height]).to.deep.equal([input.width, input.height]);

      const over = (background: number) => {
        let sum = 0;
        for (let p = 0; p < input.width * input.height; p++) {
          const a = input.data[p * 4 + 3]! / 255;
          for (let c = 0; c < 3; c++) sum += Math.abs(out.data[p * 3 + c]! - (input.data[p * 4 + c]! * a + background * (1 - a)));
        }
        return sum / (input.width * input.height * 3);
      };
      // JPEG at quality 85 keeps the blend within a few levels; over black it would be far off.
      expect(over(255)).to.be.below(6);
      expect(over(0)).to.be.above(40);
    });
  }

  it('makes fully transparent areas white (sampled away from edges, where JPEG rings)', async () => {
    const name = 'png-palette-with-tRNS-transparency.png';
    const u = await upload(name);
    await u.run();
    const spots = await clearlyTransparent(imageFixture(name));
    expect(spots, 'the fixture has fully transparent areas').to.not.be.empty;
    const out = await pixels(output(u.blobs, name).bytes);
    // The colour stored under a transparent pixel is arbitrary; white means it was flattened. JPEG
    // quantisation rings a few levels near edges (chroma is subsampled 2x2), so every sampled pixel
    // must be near white and their mean all but white.
    let sum = 0;
    for (const [x, y] of spots) {
      const i = (y * out.width + x) * 3;
      const darkest = Math.min(...out.data.subarray(i, i + 3));
      expect(darkest, `pixel ${x},${y}`).to.be.at.least(225);
      sum += darkest;
    }
    expect(sum / spots.length, 'mean of the transparent areas').to.be.at.least(250);
  });

  it('converts CMYK to a 3-channel sRGB JPEG with its colours (red letters on black)', async () => {
    const name = 'jpeg-cmyk-pil-sample.jpg';
    expect((await sharp(imageFixture(name)).metadata()).space).to.equal('cmyk');
    const u = await upload(name);
    await u.run();

    const copy = output(u.blobs, name).bytes;
    const meta = await sharp(copy).metadata();
    expect(meta).to.include({ format: 'jpeg', space: 'srgb', channels: 3 });
    const { data } = await pixels(copy);
    let red = 0;
    let dark = 0;
    for (let i = 0; i < data.length; i += 3) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (r > 180 && g < 90 && b < 90) red++;
      if (r < 40 && g < 40 && b < 40) dark++;
    }
    // CMYK read as if it were RGB(A) gives a light, washed-out picture with no such split.
    expect(red, 'red text pixels').to.be.above(500);
    expect(dark, 'black background pixels').to.be.above(5000);
  });

  for (const name of ['jpeg-grayscale-hopper.jpg', 'png-palette-8bit-basn3p08.png', 'tiny-1x1.png']) {
    it(`compresses ${name} to a valid JPEG of the same size`, async () => {
      const u = await upload(name);
      const result = await u.run();
      const input = await sharp(imageFixture(name)).metadata();
      expect(result).to.include({ outcome: 'compressed', width: input.width, height: input.height });
      const meta = await sharp(output(u.blobs, name).bytes).metadata();
      expect(meta).to.include({ format: 'jpeg', width: input.width, height: input.height, space: 'srgb' });
    });
  }

  it('compresses a 16-bit RGBA PNG to an 8-bit JPEG, flattened', async () => {
    // No 16-bit fixture is shared; this one is built here: opaque red left half, transparent right.
    const png = await sharp({ create: { width: 64, height: 32, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: { create: { width: 32, height: 32, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } }, left: 0, top: 0 }])
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(png).metadata()).depth).to.equal('ushort');
    const u = await upload(png, 'deep.png');
    expect(await u.run()).to.include({ outcome: 'compressed', width: 64, height: 32 });
    const out = await pixels(output(u.blobs, 'deep.png').bytes);
    const at = (x: number, y: number) => [...out.data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
    const [r, g, b] = at(8, 16);
    expect(r).to.be.above(230);
    expect(g! + b!).to.be.below(40);
    expect(at(56, 16).every((v) => v >= 245)).to.equal(true);
  });

  it('fits large images inside 800x800 keeping the aspect ratio, and never enlarges small ones', async () => {
    const big = await upload('exif-orientation-Landscape_1.jpg');
    expect(await big.run()).to.include({ width: 800, height: 533, inputWidth: 1800, inputHeight: 1200 });
    const small = await upload('jpeg-grayscale-hopper.jpg');
    expect(await small.run()).to.include({ width: 128, height: 128 });
  });

  it('writes no EXIF (the orientation fixtures carry camera EXIF), XMP or ICC profile', async () => {
    const name = 'exif-orientation-Landscape_6.jpg';
    expect((await sharp(imageFixture(name)).metadata()).exif).to.not.equal(undefined);
    const u = await upload(name);
    await u.run();
    const meta = await sharp(output(u.blobs, name).bytes).metadata();
    expect(meta.exif).to.equal(undefined);
    expect(meta.xmp).to.equal(undefined);
    expect(meta.icc).to.equal(undefined);
    expect(meta.orientation).to.equal(undefined);
  });

  it('gives identical bytes for the same input', async () => {
    const name = 'png-palette-with-tRNS-transparency.png';
    const first = await upload(name);
    const second = await upload(name);
    await first.run();
    await second.run();
    expect(Buffer.from(output(first.blobs, name).bytes).equals(output(second.blobs, name).bytes)).to.equal(true);
  });
});
