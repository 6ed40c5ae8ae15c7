/**
 * What-if variants of the images pipeline, measured next to the shipped one to show what would
 * close a missed target. They copy handlers/images/transform.ts `compress()` with ONE change
 * each; the shipped code is not altered by them.
 */
import sharp from 'sharp';

export interface Variant {
  name: string;
  run(input: Buffer): Promise<Buffer>;
}

const fitted = (input: Buffer) =>
  sharp(input, { failOn: 'error', sequentialRead: true })
    .rotate()
    .resize({ width: 800, height: 800, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb');

export const variants: Variant[] = [
  // mozjpeg instead of libjpeg-turbo: trellis quantisation and a progressive scan search buy
  // smaller files at about twice the encoding time (the shipped pipeline chose speed).
  { name: 'mozjpeg on, quality 85', run: (input) => fitted(input).jpeg({ quality: 85, mozjpeg: true }).toBuffer() },
];
