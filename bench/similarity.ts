/**
 * How close a compressed copy is to a high-quality resize of its original: SSIM (ssim.js, Wang
 * et al.'s algorithm) on the same pixels at the same size, both as a viewer would show them
 * (EXIF orientation applied, alpha flattened onto white, sRGB).
 *
 * The reference is libvips' Lanczos-3 resize of the correctly oriented original, kept as raw
 * pixels (never JPEG-encoded), so the score counts what the pipeline under test loses: its
 * resampling kernel, its JPEG encoding, and any orientation or colour it got wrong.
 */
import sharp from 'sharp';
import { ssim } from 'ssim.js';

export interface RawImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export type Comparison =
  | { comparable: true; ssim: number; ssimWang: number; width: number; height: number }
  /** Not the shape a correct copy has (rotated, stretched): SSIM of different pixels means nothing. */
  | { comparable: false; reason: string; width: number; height: number };

const WHITE = { r: 255, g: 255, b: 255 };

async function toRgba(image: sharp.Sharp): Promise<RawImage> {
  const { data, info } = await image.flatten({ background: WHITE }).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`expected 4 channels, got ${info.channels}`);
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** What a viewer shows for these bytes: the EXIF orientation applied, on white, in sRGB. */
export function decodeAsShown(bytes: Uint8Array): Promise<RawImage> {
  return toRgba(sharp(bytes).rotate());
}

/** The size a correct copy has: the oriented original fitted inside `box`, never enlarged. */
export async function expectedSize(original: Uint8Array, box: number): Promise<{ width: number; height: number }> {
  const meta = await sharp(original).metadata();
  const swap = (meta.orientation ?? 1) >= 5; // orientations 5-8 turn the image a quarter
  const w = swap ? meta.height! : meta.width!;
  const h = swap ? meta.width! : meta.height!;
  const scale = Math.min(1, box / w, box / h);
  return { width: Math.round(w * scale), height: Math.round(h * scale) };
}

/** The reference: the oriented original resized with Lanczos-3 to exactly width x height. */
export function reference(original: Uint8Array, width: number, height: number): Promise<RawImage> {
  return toRgba(sharp(original).rotate().resize(width, height, { fit: 'fill', kernel: 'lanczos3' }));
}

/**
 * SSIM of two images of the same size. `full`: every pixel (the strict figure). `wang`: the
 * reference implementation's default, which first downsamples by round(min(w, h) / 256) to model
 * viewing distance (Wang et al., ssim.m; ssim.js `downsample: 'original'`).
 */
export function similarity(a: RawImage, b: RawImage, scale: 'full' | 'wang' = 'full'): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`cannot compare ${a.width}x${a.height} with ${b.width}x${b.height}`);
  }
  return ssim(a, b, { downsample: scale === 'full' ? false : 'original' }).mssim;
}

/**
 * Compares a pipeline's output with the reference. Two pipelines may round a fitted size
 * differently by a pixel; beyond that the copy has the wrong shape (a quarter turn missed).
 */
export async function compareToReference(original: Uint8Array, output: Uint8Array, box: number): Promise<Comparison> {
  const shown = await decodeAsShown(output);
  const expected = await expectedSize(original, box);
  const { width, height } = shown;
  if (Math.abs(width - expected.width) > 1 || Math.abs(height - expected.height) > 1) {
    return { comparable: false, reason: `${width}x${height}, expected ${expected.width}x${expected.height}`, width, height };
  }
  const ref = await reference(original, width, height);
  return { comparable: true, ssim: similarity(ref, shown), ssimWang: similarity(ref, shown, 'wang'), width, height };
}
