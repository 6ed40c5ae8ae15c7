/**
 * Child process of the image benchmark: runs the images function's core once on one file, with an
 * in-memory bucket, and prints this process's peak RSS. `--baseline` loads everything and stops
 * before the image, to show what Node, tsx and sharp cost on their own.
 *
 * Usage: node -r tsx/cjs bench/image-memory.ts FILE|--baseline
 */
import { readFileSync } from 'node:fs';
import { compressImage } from '../handlers/images';
import { systemClock } from '../handlers/ports/clock';
import { silentLogger } from '../handlers/ports/logger';
import { readSettings } from '../handlers/settings';
import { imagesSpec } from '../handlers/specs';
import { MemoryBlobStore } from '../test/support/memory';

/**
 * VmHWM, this process image's own peak: getrusage's maxRSS on Linux keeps the high-water mark of
 * the process before exec, i.e. of the forked parent, so every child would report at least the
 * benchmark's own RSS (proc(5), getrusage(2)).
 */
function peakRssKib(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    if (line) return Number(line.replace(/\D+/g, ''));
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const report = (fields: Record<string, unknown>) => console.log(JSON.stringify({ ...fields, maxRssKib: peakRssKib() }));
  if (!file || file === '--baseline') return report({ baseline: true });
  const blobs = new MemoryBlobStore();
  const config = { ...readSettings(imagesSpec, {}), compressedBucket: 'compressed' };
  await blobs.put('originals', 'photo.jpg', readFileSync(file), { contentType: 'image/jpeg', metadata: {} });
  try {
    const result = await compressImage({ bucket: 'originals', key: 'photo.jpg' }, { blobs, clock: systemClock, logger: silentLogger }, config);
    report({ outcome: result.outcome });
  } catch (err) {
    report({ error: String(err) });
  }
}

void main();
