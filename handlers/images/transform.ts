/**
 * The sharp pipeline: inspect the header, then decode, orient, fit, flatten and encode.
 *
 * Every failure here comes from the bytes themselves (a format we refuse, a header too large, a
 * decoder error), so it is a PermanentError whose reason carries the decoder's own message.
 */
import sharp from 'sharp';
import { PermanentError } from '../errors';

// One libvips worker thread per image. A 1 GB Lambda or Cloud Function has well under two vCPUs,
// so more threads only contend, and each thread holds its own tile buffers (sharp docs,
// "concurrency"). The operation cache is off: every invocation sees a different image, so a cache
// would only hold memory between invocations of a warm instance.
sharp.concurrency(1);
sharp.cache(false);

/** Only these are accepted, decided from the bytes; a renamed GIF or WebP is refused. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png']);

/**
 * libvips' `fail_on` level: "error" refuses truncated files and invalid image data (a truncated
 * progressive JPEG otherwise decodes to a grey lower half), but tolerates mere warnings such as
 * extraneous bytes after the last marker, which many cameras write.
 */
const FAIL_ON = 'error' as const;

export interface ImageHeader {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

export interface TransformOptions {
  maxPixels: number;
  maxDimension: number;
  jpegQuality: number;
}

export interface Compressed {
  bytes: Buffer;
  width: number;
  height: number;
}

function decoderFailure(err: unknown): PermanentError {
  const message = err instanceof Error ? err.message : String(err);
  // libvips repeats a decoder's message once per attempt, one per line: keep each line once.
  const lines = [...new Set(message.split('\n').map((line) => line.trim()).filter(Boolean))];
  return new PermanentError(`corrupt or unreadable image: ${lines.join('; ')}`, { cause: err });
}

/**
 * Reads only the header (sharp's metadata does not decode pixels): the format from the magic
 * bytes and the dimensions, refusing formats we do not take and images over the pixel limit.
 */
export async function inspect(bytes: Uint8Array, maxPixels: number): Promise<ImageHeader> {
  let meta: sharp.Metadata;
  try {
    // No pixel limit on the header read itself: sharp's default (268 MP) would refuse larger
    // headers with a bare "exceeds pixel limit"; the check below says which limit and by how much.
    meta = await sharp(bytes, { failOn: FAIL_ON, limitInputPixels: false }).metadata();
  } catch (err) {
    throw decoderFailure(err);
  }
  const format = meta.format ?? 'unknown';
  if (!ACCEPTED_FORMATS.has(format)) {
    throw new PermanentError(`unsupported format: ${format}`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) {
    throw new PermanentError(`corrupt or unreadable image: header gives ${width}x${height} pixels`);
  }
  if (width * height > maxPixels) {
    throw new PermanentError(
      `image too large: ${width}x${height} = ${width * height} pixels exceeds the limit of ${maxPixels}`,
    );
  }
  return { format: format as ImageHeader['format'], width, height };
}

/**
 * Decodes and re-encodes. The output is an 8-bit sRGB JPEG with no metadata at all:
 * sharp drops EXIF (GPS, camera serials), XMP and ICC unless asked to keep them. No ICC profile is
 * kept because the pixels are already converted to sRGB, which is what browsers assume for an
 * untagged image; sharp's sRGB profile would add 498 bytes to every file (measured).
 * The same bytes in always give the same bytes out: libvips and libjpeg-turbo are deterministic,
 * and no timestamp or random value is written.
 */
export async function compress(bytes: Uint8Array, options: TransformOptions): Promise<Compressed> {
  try {
    const { data, info } = await sharp(bytes, {
      failOn: FAIL_ON,
      // A second guard on the header check above, enforced by libvips itself.
      limitInputPixels: options.maxPixels,
      // Decode top to bottom once instead of random access: less memory for large JPEGs.
      sequentialRead: true,
    })
      .rotate() // from the EXIF orientation tag, which the output then no longer carries
      .resize({ width: options.maxDimension, height: options.maxDimension, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      // No toColourspace call: sharp converts every output to 8-bit sRGB by default (CMYK through its
      // embedded profile or sharp's built-in one, grey and 16-bit too); the colour tests pin that.
      // libjpeg-turbo with optimised Huffman tables (sharp's default), like Pillow's optimize=True.
      // mozjpeg (trellis quantisation, progressive scan search) writes ~20% fewer bytes but about
      // doubles the encoding time: `npm run bench:image-pipeline` measured it at 0.63-0.98x the
      // original Pillow pipeline's speed on 12/24 MP photos, against 0.83-1.08x without it (1.26-1.38x
      // at Pillow's output size). The design asks for speed at equal size, so mozjpeg stays off.
      .jpeg({ quality: options.jpegQuality })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, width: info.width, height: info.height };
  } catch (err) {
    throw decoderFailure(err);
  }
}
