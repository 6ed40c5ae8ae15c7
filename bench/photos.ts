/**
 * Large test photos made from a real one: the 1800x1200 orientation fixture upscaled to 12 and
 * 24 megapixels, with sensor-like noise and a light fall-off added, so that the JPEG holds detail
 * at every scale as a camera's does (a flat or merely upscaled image compresses unrealistically
 * well and decodes unrealistically fast). Half of them carry EXIF orientation 6, as a phone held
 * upright writes: the stored pixels are landscape and the viewer turns them.
 *
 * Made once per machine into the temp folder; the name carries a version to remake on change.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { fixturePath } from '../test/support/fixtures';

export interface Photo {
  name: string;
  path: string;
  megapixels: number;
  orientation: number;
}

const FOLDER = join(tmpdir(), 'multicloud-bench-photos-v1');

const SIZES = [
  { name: 'photo-12mp', width: 4000, height: 3000 },
  { name: 'photo-24mp', width: 6000, height: 4000 },
];

function falloff(width: number, height: number): Buffer {
  // A radial vignette, darker towards the corners, as most lenses give.
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<defs><radialGradient id="v" cx="50%" cy="45%" r="75%"><stop offset="55%" stop-color="#fff"/><stop offset="100%" stop-color="#8a8078"/></radialGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#v)"/></svg>`,
  );
}

/** Grain around mid-grey (soft-light leaves mid-grey unchanged): cheap random bytes, not libvips' gaussian, which takes seconds per 12 MP. */
function grain(pixels: number): Buffer {
  const noise = randomBytes(pixels * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = 100 + (noise[i] % 56);
  return noise;
}

async function compose(width: number, height: number): Promise<Buffer> {
  const upscaled = await sharp(fixturePath('images', 'exif-orientation-Landscape_1.jpg'))
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .toBuffer();
  // The fall-off is smooth: rendered small, then enlarged.
  const vignette = await sharp(falloff(400, 300)).resize(width, height, { fit: 'fill' }).raw().toBuffer();
  return sharp(upscaled, { limitInputPixels: false })
    .composite([
      { input: grain(width * height), raw: { width, height, channels: 3 }, blend: 'soft-light' },
      { input: vignette, raw: { width, height, channels: 4 }, blend: 'multiply' },
    ])
    .jpeg({ quality: 92 })
    .toBuffer();
}

function write(target: string, image: sharp.Sharp): Promise<unknown> {
  const partial = `${target}.partial`;
  return image.toFile(partial).then(() => renameSync(partial, target));
}

/** The generated photos, made on first use. */
export async function largePhotos(): Promise<Photo[]> {
  mkdirSync(FOLDER, { recursive: true });
  const photos: Photo[] = [];
  for (const size of SIZES) {
    const upright = join(FOLDER, `${size.name}.jpg`);
    const turned = join(FOLDER, `${size.name}-orientation-6.jpg`);
    if (!existsSync(upright) || !existsSync(turned)) {
      const photo = await compose(size.width, size.height);
      await write(upright, sharp(photo).withMetadata({ orientation: 1 }).jpeg({ quality: 92 }));
      await write(turned, sharp(photo).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }));
    }
    const megapixels = (size.width * size.height) / 1e6;
    photos.push({ name: `${size.name}.jpg`, path: upright, megapixels, orientation: 1 });
    photos.push({ name: `${size.name}-orientation-6.jpg`, path: turned, megapixels, orientation: 6 });
  }
  return photos;
}
