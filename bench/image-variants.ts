/**
 * What-if variants of the images pipeline, measured next to the shipped one to show what would
 * close a missed target. They copy handlers/images/transform.ts `compress()` with ONE change
 * each; the shipped code is not altered by them.
 */
import { cpus } from 'node:os';
import sharp from 'sharp';

export interface Variant {
  name: string;
  /** The JPEG quality it encodes at: a number, or the quality at which ours matches Pillow's size. */
  quality: number | 'equal size';
  run(input: Buffer, quality: number): Promise<Buffer>;
}

const fitted = (input: Buffer) =>
  sharp(input, { failOn: 'error', sequentialRead: true })
    .rotate()
    .resize({ width: 800, height: 800, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb');

/** The shipped pipeline itself (flatten aside: the large photos are opaque JPEGs). */
const shipped = (input: Buffer, quality: number) => fitted(input).jpeg({ quality }).toBuffer();

export const variants: Variant[] = [
  // mozjpeg instead of libjpeg-turbo: trellis quantisation and a progressive scan search buy
  // smaller files at about twice the encoding time (the shipped pipeline chose speed).
  { name: 'mozjpeg on, quality 85', quality: 85, run: (input, quality) => fitted(input).jpeg({ quality, mozjpeg: true }).toBuffer() },
  // Every core on one image: the shipped code gives each image one libvips thread (sharp.concurrency(1)),
  // so that a function instance's memory holds one image's tiles at a time.
  {
    name: 'libvips threads = cores, at equal size',
    quality: 'equal size',
    run: async (input, quality) => {
      const before = sharp.concurrency();
      sharp.concurrency(cpus().length);
      try {
        return await shipped(input, quality);
      } finally {
        sharp.concurrency(before);
      }
    },
  },
  // A cheaper resampling kernel than Lanczos-3 for what remains after shrink-on-load.
  {
    name: 'Mitchell kernel instead of Lanczos-3, at equal size',
    quality: 'equal size',
    run: (input, quality) =>
      sharp(input, { failOn: 'error', sequentialRead: true })
        .rotate()
        .resize({ width: 800, height: 800, fit: 'inside', withoutEnlargement: true, kernel: 'mitchell' })
        .toColourspace('srgb')
        .jpeg({ quality })
        .toBuffer(),
  },
];
