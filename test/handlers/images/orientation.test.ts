import { expect } from 'chai';
import { imageFixture } from '../../support/fixtures';
import { meanAbsDifference, output, thumbnail, upload } from './harness';

/**
 * The recurser EXIF examples: the same landscape photo stored in 8 ways, each with the orientation
 * tag (1-8) that turns it upright; 2, 4, 5 and 7 are stored mirrored. Once oriented, all eight
 * must show the same picture as orientation 1.
 */
const fixture = (n: number) => `exif-orientation-Landscape_${n}.jpg`;

describe('images: EXIF orientation', () => {
  let upright: Buffer;

  before(async () => {
    const one = await upload(fixture(1));
    await one.run();
    upright = await thumbnail(output(one.blobs, fixture(1)).bytes);
  });

  for (const n of [2, 3, 4, 5, 6, 7, 8]) {
    it(`orientation ${n} comes out upright, like orientation 1`, async () => {
      const u = await upload(fixture(n));
      const result = await u.run();
      expect(result).to.include({ outcome: 'compressed', width: 800, height: 533 });

      const oriented = await thumbnail(output(u.blobs, fixture(n)).bytes);
      // The stored pixels, ignoring the tag: what a viewer that ignores EXIF would show.
      const asStored = await thumbnail(imageFixture(fixture(n)), { autoOrient: false });

      // Measured: oriented copies differ from orientation 1 by under 0.4 grey levels (JPEG noise),
      // the pixels as stored by 54-78 levels; the thresholds sit far from both.
      expect(meanAbsDifference(oriented, upright)).to.be.below(4);
      expect(meanAbsDifference(asStored, upright)).to.be.above(20);
    });
  }
});
