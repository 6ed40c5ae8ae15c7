/**
 * The images function's sharp pipeline against the original Python/Pillow one, on the same photos:
 * time per image one at a time and images per second on every core, output bytes, peak memory,
 * and SSIM against a high-quality reference resize (bench/similarity.ts).
 *
 * Run alone: npm run bench:image-pipeline
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename } from 'node:path';
import sharp from 'sharp';
import { compress } from '../handlers/images/transform';
import { readSettings } from '../handlers/settings';
import { imagesSpec } from '../handlers/specs';
import { fixturePath, imageFixtureNames } from '../test/support/fixtures';
import { jsonLines, pool, runTs } from './children';
import { largePhotos, type Photo } from './photos';
import { findPillow, runPillow, type PillowImage } from './pillow';
import { bytes, median, ms, ratio, renderSection, table, type Section } from './report';
import { compareToReference, type Comparison } from './similarity';
import { variants } from './image-variants';

const settings = readSettings(imagesSpec, {});
const SMALL_REPEATS = 3;
const LARGE_REPEATS = 5;

interface Measured {
  ms?: number;
  bytes?: number;
  output?: Buffer;
  error?: string;
}

/** The function's input formats among the fixtures; corrupt files are the core tests' business. */
async function fixturePhotos(): Promise<Photo[]> {
  const names = imageFixtureNames().filter((n) => /\.(jpe?g|png)$/i.test(n) && !n.startsWith('corrupt-'));
  return Promise.all(
    names.map(async (name) => {
      const meta = await sharp(fixturePath('images', name)).metadata();
      return { name, path: fixturePath('images', name), megapixels: (meta.width! * meta.height!) / 1e6, orientation: meta.orientation ?? 1 };
    }),
  );
}

async function ours(photo: Photo, repeats: number, jpegQuality = settings.jpegQuality): Promise<Measured> {
  const input = readFileSync(photo.path);
  const times: number[] = [];
  let output: Buffer | undefined;
  try {
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      output = (await compress(input, { ...settings, jpegQuality })).bytes;
      times.push(performance.now() - started);
    }
  } catch (err) {
    return { error: String(err) };
  }
  return { ms: median(times), bytes: output!.byteLength, output };
}

/**
 * The quality at which ours writes as many bytes as Pillow (closest, by bisection): two encoders
 * at the same quality number need not write the same size, so "faster at equal output size" needs
 * its own run.
 */
async function qualityForBytes(photo: Photo, target: number): Promise<number> {
  const input = readFileSync(photo.path);
  let low = settings.jpegQuality;
  let high = 100;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const size = (await compress(input, { ...settings, jpegQuality: mid })).bytes.byteLength;
    if (size < target) low = mid;
    else high = mid;
  }
  const sizeAt = async (q: number) => Math.abs((await compress(input, { ...settings, jpegQuality: q })).bytes.byteLength - target);
  return (await sizeAt(low)) <= (await sizeAt(high)) ? low : high;
}

async function oursConcurrent(photos: readonly Photo[], repeats: number, workers: number, jpegQuality = settings.jpegQuality): Promise<number> {
  const inputs = photos.flatMap((p) => Array.from({ length: repeats }, () => readFileSync(p.path)));
  const started = performance.now();
  await pool(inputs, workers, (input) => compress(input, { ...settings, jpegQuality }));
  return inputs.length / ((performance.now() - started) / 1000);
}

function ssimCell(c: Comparison | undefined): string {
  if (!c) return '-';
  return c.comparable ? `${c.ssim.toFixed(4)} (${c.ssimWang.toFixed(4)})` : `wrong shape: ${c.reason}`;
}

async function compareFile(photo: Photo, output: Buffer | undefined): Promise<Comparison | undefined> {
  return output ? compareToReference(readFileSync(photo.path), output, settings.maxDimension) : undefined;
}

/** What is wrong with the original's output that the bytes alone do not show. */
async function pillowNote(result: PillowImage | undefined, comparison: Comparison | undefined): Promise<string> {
  if (!result) return 'not run';
  if (result.error) return `fails: ${result.error}`;
  const notes: string[] = [];
  const space = (await sharp(result.output!).metadata()).space;
  if (space !== 'srgb') notes.push(`writes a ${space} JPEG`);
  if (comparison && !comparison.comparable) notes.push('EXIF orientation ignored');
  else if (comparison?.comparable && comparison.ssim < 0.5) notes.push('EXIF orientation ignored (mirrored)');
  return notes.join('; ') || 'ok';
}

async function peakRss(photo: Photo | undefined, python: string | undefined): Promise<{ ours: number; pillow: number }> {
  const child = await runTs('bench/image-memory.ts', [photo?.path ?? '--baseline']);
  const line = jsonLines<{ maxRssKib: number; error?: string }>(child.stdout)[0];
  if (!line || line.error) throw new Error(`image-memory failed on ${photo?.name}: ${line?.error ?? child.stderr.slice(-300)}`);
  let pillow = NaN;
  if (python) {
    const run = await runPillow(python, photo ? [photo.path] : [], 1, 0);
    pillow = run.maxRssKib;
  }
  return { ours: line.maxRssKib * 1024, pillow: pillow * 1024 };
}

export async function imagePipelineBenchmark(): Promise<Section> {
  const workers = cpus().length;
  const small = await fixturePhotos();
  const large = await largePhotos();
  const found = await findPillow();
  const python = 'python' in found ? found.python : undefined;

  // One at a time: in parallel they would wait for each other and the figures would mean nothing.
  const oursSmall: Measured[] = [];
  for (const p of small) oursSmall.push(await ours(p, SMALL_REPEATS));
  const pillowSmall = python ? await runPillow(python, small.map((p) => p.path), SMALL_REPEATS, 0) : undefined;
  // Each large photo: ours, then Pillow, back to back, so both see the same load on a shared machine.
  const oursLarge: Measured[] = [];
  const pillowLarge: PillowImage[] = [];
  for (const p of large) {
    oursLarge.push(await ours(p, LARGE_REPEATS));
    if (python) pillowLarge.push(...(await runPillow(python, [p.path], LARGE_REPEATS, 0)).images);
  }
  const oursRate = await oursConcurrent(large, LARGE_REPEATS, workers);
  const pillowTogether = python ? await runPillow(python, large.map((p) => p.path), LARGE_REPEATS, workers) : undefined;
  const pillowBy = new Map([...(pillowSmall?.images ?? []), ...pillowLarge].map((r) => [r.input, r]));

  const photos = [...small, ...large];
  const measured = [...oursSmall, ...oursLarge];
  const rows: (string | number)[][] = [];
  const speedups: number[] = [];
  const sizeRatios: number[] = [];
  const ssims: number[] = [];
  for (let i = 0; i < photos.length; i++) {
    const photo = photos[i];
    const mine = measured[i];
    const theirs = pillowBy.get(photo.path);
    const theirOutput = theirs?.output ? readFileSync(theirs.output) : undefined;
    const mineCmp = await compareFile(photo, mine.output);
    const theirCmp = await compareFile(photo, theirOutput);
    const theirMs = theirs?.seconds !== undefined ? theirs.seconds * 1000 : NaN;
    if (photo.megapixels >= 12 && mine.ms && Number.isFinite(theirMs)) {
      speedups.push(theirMs / mine.ms);
      sizeRatios.push(mine.bytes! / theirs!.bytes!);
    }
    if (mineCmp?.comparable) ssims.push(mineCmp.ssim);
    rows.push([
      basename(photo.name),
      photo.megapixels.toFixed(photo.megapixels < 1 ? 3 : 1),
      mine.error ? `fails: ${mine.error}` : ms(mine.ms!),
      Number.isFinite(theirMs) ? ms(theirMs) : '-',
      mine.ms ? ratio(theirMs, mine.ms) : '-',
      mine.bytes ? bytes(mine.bytes) : '-',
      theirs?.bytes ? bytes(theirs.bytes) : '-',
      mine.bytes && theirs?.bytes ? ratio(mine.bytes, theirs.bytes) : '-',
      ssimCell(mineCmp),
      ssimCell(theirCmp),
      await pillowNote(theirs, theirCmp),
    ]);
  }

  // The same large photos at the quality that matches Pillow's output size.
  const pillowReference = pillowBy.get(large[0].path);
  const equalQuality = pillowReference?.bytes ? await qualityForBytes(large[0], pillowReference.bytes) : undefined;
  const equalRows: (string | number)[][] = [];
  const equalSpeedups: number[] = [];
  const equalSsims: number[] = [];
  let equalRate = NaN;
  if (equalQuality !== undefined) {
    for (const photo of large) {
      const mine = await ours(photo, LARGE_REPEATS, equalQuality);
      const theirs = pillowBy.get(photo.path);
      const theirMs = (theirs?.seconds ?? NaN) * 1000;
      const cmp = await compareFile(photo, mine.output);
      if (mine.ms) equalSpeedups.push(theirMs / mine.ms);
      if (cmp?.comparable) equalSsims.push(cmp.ssim);
      equalRows.push([photo.name, ms(mine.ms ?? NaN), ms(theirMs), ratio(theirMs, mine.ms ?? NaN), bytes(mine.bytes ?? NaN), theirs?.bytes ? bytes(theirs.bytes) : '-', ratio(mine.bytes ?? NaN, theirs?.bytes ?? NaN), ssimCell(cmp)]);
    }
    equalRate = await oursConcurrent(large, LARGE_REPEATS, workers, equalQuality);
  }

  // What would close the speed target: the same photos through each what-if variant.
  const variantRows: (string | number)[][] = [];
  for (const variant of variants) {
    for (const photo of large) {
      const input = readFileSync(photo.path);
      const times: number[] = [];
      let output: Buffer = Buffer.alloc(0);
      for (let i = 0; i < LARGE_REPEATS; i++) {
        const started = performance.now();
        output = await variant.run(input);
        times.push(performance.now() - started);
      }
      const theirs = pillowBy.get(photo.path);
      const theirMs = (theirs?.seconds ?? NaN) * 1000;
      const cmp = await compareFile(photo, output);
      variantRows.push([variant.name, photo.name, ms(median(times)), ms(theirMs), ratio(theirMs, median(times)), bytes(output.byteLength), ratio(output.byteLength, theirs?.bytes ?? NaN), ssimCell(cmp)]);
    }
  }

  const memoryRows: (string | number)[][] = [];
  for (const photo of [undefined, small.find((p) => p.name === 'exif-orientation-Landscape_1.jpg'), ...large]) {
    const rss = await peakRss(photo, python);
    memoryRows.push([photo ? photo.name : 'baseline (runtime and libraries loaded, no image)', bytes(rss.ours), bytes(rss.pillow), photo && photo.megapixels >= 24 ? (rss.ours <= 512 * 1024 * 1024 ? 'yes' : 'NO') : '']);
  }

  const pillowRate = pillowTogether?.concurrent ? pillowTogether.concurrent.images / pillowTogether.concurrent.seconds : NaN;
  const body = [
    `Original pipeline: ${python ? `Pillow ${'version' in found ? found.version : ''} (${python})` : `not run: ${'missing' in found ? found.missing : ''}`}, \`Image.open\`, \`thumbnail((800, 800), LANCZOS)\`, \`save(format='JPEG', quality=85, optimize=True)\`. Ours: \`handlers/images/transform.ts\` \`compress()\` (sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, one libvips thread per image, libjpeg-turbo).`,
    '',
    `### Per image, one at a time (median of ${SMALL_REPEATS} runs for fixtures, ${LARGE_REPEATS} for the 12/24 MP photos, ours and Pillow back to back per photo)`,
    '',
    `SSIM: against a Lanczos-3 resize of the correctly oriented original, never JPEG-encoded, at the output's size; full resolution, and in brackets Wang's downsampled scale. "wrong shape": the output is not the size a correctly oriented copy has.`,
    '',
    table(['image', 'MP', 'ours', 'Pillow', 'speed-up', 'ours bytes', 'Pillow bytes', 'size ratio', 'SSIM ours', 'SSIM Pillow', 'Pillow output'], rows),
    '',
    `### All ${large.length} large photos x ${LARGE_REPEATS}, ${workers} at a time (${workers} cores)`,
    '',
    table(
      ['pipeline', 'workers', 'images per second', 'vs Pillow'],
      [
        ['ours (one process, one libvips thread per image)', workers, oursRate.toFixed(2), ratio(oursRate, pillowRate)],
        ['Pillow (multiprocessing pool)', workers, Number.isFinite(pillowRate) ? pillowRate.toFixed(2) : '-', '1.00x'],
      ],
    ),
    '',
    `### At equal output size: ours at quality ${equalQuality ?? 'n/a'} (the quality whose output of ${large[0].name} is closest to Pillow's bytes)`,
    '',
    table(['image', 'ours', 'Pillow', 'speed-up', 'ours bytes', 'Pillow bytes', 'size ratio', 'SSIM ours'], equalRows),
    '',
    `All large photos, ${workers} at a time, at this quality: ${Number.isFinite(equalRate) ? equalRate.toFixed(2) : 'n/a'} images per second, ${ratio(equalRate, pillowRate)} Pillow's.`,
    '',
    '### What if (bench/image-variants.ts: the shipped pipeline with one change; Pillow times from the table above)',
    '',
    table(['variant', 'image', 'time', 'Pillow', 'speed-up', 'bytes', 'size ratio', 'SSIM'], variantRows),
    '',
    '### Peak memory (VmHWM of a fresh process that handles one image)',
    '',
    'Ours: the images function core (`compressImage`) with an in-memory bucket, under tsx; Pillow: the script above on one image.',
    '',
    table(['image', 'ours peak RSS', 'Pillow peak RSS', '24 MP within 512 MB'], memoryRows),
    '',
    '### Against the targets',
    '',
    `- speed-up on the 12/24 MP photos, one at a time: median ${speedups.length ? median(speedups).toFixed(2) : 'n/a'}x (target >= 1.5x); all ${workers} cores: ${ratio(oursRate, pillowRate)}`,
    `- output size vs Pillow on those photos at quality ${settings.jpegQuality}: median ${sizeRatios.length ? median(sizeRatios).toFixed(2) : 'n/a'}x (target: within 5%, 0.95-1.05); at quality ${equalQuality ?? 'n/a'} the speed-up is median ${equalSpeedups.length ? median(equalSpeedups).toFixed(2) : 'n/a'}x one at a time, ${ratio(equalRate, pillowRate)} on all cores`,
    `- lowest SSIM of ours (full resolution): ${ssims.length ? Math.min(...ssims).toFixed(4) : 'n/a'} at quality ${settings.jpegQuality}, ${equalSsims.length ? Math.min(...equalSsims).toFixed(4) : 'n/a'} at quality ${equalQuality ?? 'n/a'} (target >= 0.98)`,
  ].join('\n');
  return { title: 'Image pipeline: sharp against the original Pillow', command: 'npm run bench:image-pipeline', body };
}

if (require.main === module) {
  void imagePipelineBenchmark().then((section) => console.log(renderSection(section)));
}
