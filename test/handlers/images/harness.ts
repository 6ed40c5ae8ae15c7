/** Shared set-up for the images tests: a memory store holding a real fixture, and pixel helpers. */
import sharp from 'sharp';
import type { ObjectCreated } from '../../../handlers/events';
import { compressImage, type ImageResult, type ImagesConfig } from '../../../handlers/images';
import type { LogFields, Logger } from '../../../handlers/ports/logger';
import { imagesSpec } from '../../../handlers/specs';
import { imageFixture } from '../../support/fixtures';
import { MemoryBlobStore } from '../../support/memory';

export const ORIGINALS = 'originals';
export const COMPRESSED = 'compressed-bucket';

export function testConfig(overrides: Partial<ImagesConfig> = {}): ImagesConfig {
  return { ...imagesSpec.settings, compressedBucket: COMPRESSED, ...overrides };
}

export interface LogLine {
  level: string;
  msg: string;
  fields: LogFields;
}

/** Keeps every line so tests can read what was logged. */
export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at = (level: string) => (msg: string, fields: LogFields = {}) => void lines.push({ level, msg, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), child: () => recordingLogger(lines) };
}

/** A clock that moves 5 ms every time it is read, so durations are predictable. */
export function steppingClock(startMs = Date.UTC(2026, 0, 1)) {
  let t = startMs;
  return { now: () => new Date((t += 5)) };
}

export interface Upload {
  blobs: MemoryBlobStore;
  event: ObjectCreated;
  logger: ReturnType<typeof recordingLogger>;
  run: (config?: ImagesConfig) => Promise<ImageResult>;
}

/** Stores `bytes` (a fixture name or raw bytes) as `key` in the originals bucket, as an upload would. */
export async function upload(source: string | Uint8Array, key = typeof source === 'string' ? source : 'photo.jpg'): Promise<Upload> {
  const bytes = typeof source === 'string' ? imageFixture(source) : source;
  const blobs = new MemoryBlobStore();
  await blobs.put(ORIGINALS, key, bytes, { contentType: 'application/octet-stream', metadata: {} });
  const stored = await blobs.head(ORIGINALS, key);
  blobs.calls.head = blobs.calls.get = blobs.calls.put = 0;
  const event: ObjectCreated = { bucket: ORIGINALS, key, size: bytes.byteLength, etag: stored!.etag };
  const logger = recordingLogger();
  const clock = steppingClock();
  return { blobs, event, logger, run: (config = testConfig()) => compressImage(event, { blobs, clock, logger }, config) };
}

/** The compressed copy written for `key`. */
export function output(blobs: MemoryBlobStore, key: string) {
  const copy = blobs.objects.get(`${COMPRESSED}\u0000compressed/${key}`);
  if (!copy) throw new Error(`no compressed copy for ${key}`);
  return copy;
}

/** A 32x32 greyscale thumbnail as raw bytes: small enough to compare pictures, not JPEG noise. */
export async function thumbnail(bytes: Uint8Array, options: { autoOrient: boolean } = { autoOrient: true }): Promise<Buffer> {
  const image = options.autoOrient ? sharp(bytes).rotate() : sharp(bytes);
  return image.resize(32, 32, { fit: 'fill' }).greyscale().raw().toBuffer();
}

export function meanAbsDifference(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Decoded pixels of an image, 8-bit, with the channel count sharp gives. */
export async function pixels(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}
