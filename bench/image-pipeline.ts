/**
 * The images function's sharp pipeline against the original Python/Pillow one, on the same photos:
 * time per image one at a time and images per second on every core, output bytes, peak memory,
 * and SSIM against a high-quality reference resize (bench/similarity.ts).
 *
 * Run alone: npm run bench:image-pipeline
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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
import { meets, renderTargets, type TargetCheck } from './targets';

const settings = readSettings(imagesSpec, {});
const SMALL_REPEATS = 3;
const LARGE_REPEATS = 5;
/** Qualities at which ours is compared with the reference, to show what SSIM >= 0.98 would take. */
const SSIM_QUALITIES = [85, 90, 95, 98];

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
async function qualityForBytes(photo: Photo, target: number, encode: (input: Buffer, quality: number) => Promise<Buffer> = async (input, quality) => (await compress(input, { ...settings, jpegQuality: quality })).bytes): Promise<number> {
  const input = readFileSync(photo.path);
  let low = 50;
  let high = 100;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const size = (await encode(input, mid)).byteLength;
    if (size < target) low = mid;
    else high = mid;
  }
  const sizeAt = async (q: number) => Math.abs((await encode(input, q)).byteLength - target);
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

async function peakRss(photo: Photo | undefined, python: string | undefined, outDir: string): Promise<{ ours: number; pillow: number }> {
  const child = await runTs('bench/image-memory.ts', [photo?.path ?? '--baseline']);
  const line = jsonLines<{ maxRssKib: number; error?: string }>(child.stdout)[0];
  if (!line || line.error) throw new Error(`image-memory failed on ${photo?.name}: ${line?.error ?? child.stderr.slice(-300)}`);
  let pillow = NaN;
  if (python) {
    const run = await runPillow(python, photo ? [photo.path] : [], 1, 0, outDir);
    pillow = run.maxRssKib;
  }
  return { ours: line.maxRssKib * 1024, pillow: pillow * 1024 };
}

export async function imagePipelineBenchmark(): Promise<Section> {
  // Pillow's outputs (one file per input, rewritten by each run of it), removed at the end.
  const pillowDir = mkdtempSync(join(tmpdir(), 'bench-pillow-'));
  try {
    return await imagePipeline(pillowDir);
  } finally {
    rmSync(pillowDir, { recursive: true, force: true });
  }
}

async function imagePipeline(pillowDir: string): Promise<Section> {
  const workers = cpus().length;
  const small = await fixturePhotos();
  const large = await largePhotos();
  const found = await findPillow();
  const python = 'python' in found ? found.python : undefined;

  // One at a time: in parallel they would wait for each other and the figures would mean nothing.
  const oursSmall: Measured[] = [];
  for (const p of small) oursSmall.push(await ours(p, SMALL_REPEATS));
  const pillowSmall = python ? await runPillow(python, small.map((p) => p.path), SMALL_REPEATS, 0, pillowDir) : undefined;
  // Each large photo: ours, then Pillow, back to back, so both see the same load on a shared machine.
  const oursLarge: Measured[] = [];
  const pillowLarge: PillowImage[] = [];
  for (const p of large) {
    oursLarge.push(await ours(p, LARGE_REPEATS));
    if (python) pillowLarge.push(...(await runPillow(python, [p.path], LARGE_REPEATS, 0, pillowDir)).images);
  }
  const oursRate = await oursConcurrent(large, LARGE_REPEATS, workers);
  const pillowTogether = python ? await runPillow(python, large.map((p) => p.path), LARGE_REPEATS, workers, pillowDir) : undefined;
  const pillowBy = new Map([...(pillowSmall?.images ?? []), ...pillowLarge].map((r) => [r.input, r]));

  const photos = [...small, ...large];
  const measured = [...oursSmall, ...oursLarge];
  const rows: (string | number)[][] = [];
  const speedups: number[] = [];
  const sizeRatios: number[] = [];
  const ssims: number[] = [];
  const pillowLargeSsims: number[] = [];
  /** Ours, wherever the output is not a correctly oriented sRGB copy. */
  const wrongLooking: string[] = [];
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
    if (photo.megapixels >= 12 && photo.orientation === 1 && theirCmp?.comparable) pillowLargeSsims.push(theirCmp.ssim);
    if (mine.output) {
      const space = (await sharp(mine.output).metadata()).space;
      if (!mineCmp?.comparable) wrongLooking.push(`${photo.name}: ${mineCmp?.reason ?? 'not compared'}`);
      else if (mineCmp.ssim < 0.9) wrongLooking.push(`${photo.name}: SSIM ${mineCmp.ssim.toFixed(3)} against the oriented reference`);
      if (space !== 'srgb') wrongLooking.push(`${photo.name}: written as ${space}`);
    } else {
      wrongLooking.push(`${photo.name}: ${mine.error ?? 'no output'}`);
    }
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
  const equalSizeRatios: number[] = [];
  let equalRate = NaN;
  let equalPillowRate = NaN;
  // On a shared machine a figure taken minutes apart is not comparable: from here on, each of ours
  // is paired with a Pillow run of the same photo right after it.
  const pillowNow = async (photo: Photo) =>
    python ? (((await runPillow(python, [photo.path], LARGE_REPEATS, 0, pillowDir)).images[0]?.seconds ?? NaN) * 1000) : NaN;
  if (equalQuality !== undefined) {
    for (const photo of large) {
      const mine = await ours(photo, LARGE_REPEATS, equalQuality);
      const theirs = pillowBy.get(photo.path);
      const theirMs = await pillowNow(photo);
      const cmp = await compareFile(photo, mine.output);
      if (mine.ms) equalSpeedups.push(theirMs / mine.ms);
      if (cmp?.comparable) equalSsims.push(cmp.ssim);
      if (mine.bytes && theirs?.bytes) equalSizeRatios.push(mine.bytes / theirs.bytes);
      equalRows.push([photo.name, ms(mine.ms ?? NaN), ms(theirMs), ratio(theirMs, mine.ms ?? NaN), bytes(mine.bytes ?? NaN), theirs?.bytes ? bytes(theirs.bytes) : '-', ratio(mine.bytes ?? NaN, theirs?.bytes ?? NaN), ssimCell(cmp)]);
    }
    equalRate = await oursConcurrent(large, LARGE_REPEATS, workers, equalQuality);
    const again = python ? await runPillow(python, large.map((p) => p.path), LARGE_REPEATS, workers, pillowDir) : undefined;
    equalPillowRate = again?.concurrent ? again.concurrent.images / again.concurrent.seconds : NaN;
  }

  // What would close the speed target: the same photos through each what-if variant.
  const variantRows: (string | number)[][] = [];
  const variantSpeedups = new Map<string, number[]>();
  /** Variants whose output is not within 5% of Pillow's size on some photo. */
  const unequalVariants = new Set<string>();
  for (const variant of variants) {
    // "equal size": the variant's own quality whose output of the first photo is closest to Pillow's.
    const quality = variant.quality === 'equal size' ? (pillowReference?.bytes ? await qualityForBytes(large[0], pillowReference.bytes, variant.run) : undefined) : variant.quality;
    if (quality === undefined) continue;
    for (const photo of large) {
      const input = readFileSync(photo.path);
      const times: number[] = [];
      let output: Buffer = Buffer.alloc(0);
      for (let i = 0; i < LARGE_REPEATS; i++) {
        const started = performance.now();
        output = await variant.run(input, quality);
        times.push(performance.now() - started);
      }
      const theirs = pillowBy.get(photo.path);
      const theirMs = await pillowNow(photo);
      const cmp = await compareFile(photo, output);
      const label = `${variant.name}${variant.quality === 'equal size' ? ` (quality ${quality})` : ''}`;
      if (!variantSpeedups.has(label)) variantSpeedups.set(label, []);
      variantSpeedups.get(label)!.push(theirMs / median(times));
      if (theirs?.bytes && Math.abs(output.byteLength / theirs.bytes - 1) > 0.05) unequalVariants.add(label);
      variantRows.push([label, photo.name, ms(median(times)), ms(theirMs), ratio(theirMs, median(times)), bytes(output.byteLength), ratio(output.byteLength, theirs?.bytes ?? NaN), ssimCell(cmp)]);
    }
  }

  // Where ours spends an image's time: decode + orient + resize (raw out) against the encode alone.
  const splitRows: (string | number)[][] = [];
  const splitShares: number[] = [];
  for (const photo of large.filter((p) => p.orientation === 1)) {
    const input = readFileSync(photo.path);
    const q = equalQuality ?? settings.jpegQuality;
    const timed = async (work: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < LARGE_REPEATS; i++) {
        const started = performance.now();
        await work();
        times.push(performance.now() - started);
      }
      return median(times);
    };
    const fit = () => sharp(input, { failOn: 'error', sequentialRead: true }).rotate().resize({ width: settings.maxDimension, height: settings.maxDimension, fit: 'inside', withoutEnlargement: true });
    const whole = await timed(() => compress(input, { ...settings, jpegQuality: q }));
    const decodeResize = await timed(() => fit().raw().toBuffer());
    const small = await fit().raw().toBuffer({ resolveWithObject: true });
    const encode = await timed(() => sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: small.info.channels } }).jpeg({ quality: q }).toBuffer());
    splitShares.push(encode / whole);
    splitRows.push([photo.name, ms(whole), ms(decodeResize), ms(encode), `${((encode / whole) * 100).toFixed(0)}%`]);
  }

  // What SSIM >= 0.98 would take: ours at higher qualities on the two unrotated large photos.
  const qualityRows: (string | number)[][] = [];
  const qualityFigures: { quality: number; ssim: number; sizeRatio: number }[] = [];
  for (const quality of SSIM_QUALITIES) {
    const ssimsAt: number[] = [];
    const ratiosAt: number[] = [];
    for (const photo of large.filter((p) => p.orientation === 1)) {
      const output = (await compress(readFileSync(photo.path), { ...settings, jpegQuality: quality })).bytes;
      const cmp = await compareFile(photo, output);
      const theirs = pillowBy.get(photo.path);
      if (cmp?.comparable) ssimsAt.push(cmp.ssim);
      if (theirs?.bytes) ratiosAt.push(output.byteLength / theirs.bytes);
      qualityRows.push([quality, photo.name, bytes(output.byteLength), theirs?.bytes ? ratio(output.byteLength, theirs.bytes) : '-', ssimCell(cmp)]);
    }
    qualityFigures.push({ quality, ssim: ssimsAt.length ? Math.min(...ssimsAt) : NaN, sizeRatio: ratiosAt.length ? median(ratiosAt) : NaN });
  }

  const memoryRows: (string | number)[][] = [];
  const peaks24: number[] = [];
  for (const photo of [undefined, small.find((p) => p.name === 'exif-orientation-Landscape_1.jpg'), ...large]) {
    const rss = await peakRss(photo, python, pillowDir);
    if (photo && photo.megapixels >= 24) peaks24.push(rss.ours);
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
    `On the 12/24 MP photos at quality ${settings.jpegQuality}: speed-up median ${speedups.length ? median(speedups).toFixed(2) : 'n/a'}x, size median ${sizeRatios.length ? median(sizeRatios).toFixed(2) : 'n/a'}x Pillow's. Two encoders at one quality number do not write the same size: the target's comparison, at equal size, is the table after next.`,
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
    `### At equal output size: ours at quality ${equalQuality ?? 'n/a'} (the quality whose output of ${large[0].name} is closest to Pillow's bytes); Pillow run again right after each of ours`,
    '',
    table(['image', 'ours', 'Pillow', 'speed-up', 'ours bytes', 'Pillow bytes', 'size ratio', 'SSIM ours'], equalRows),
    '',
    `All large photos, ${workers} at a time, at this quality: ${Number.isFinite(equalRate) ? equalRate.toFixed(2) : 'n/a'} images per second; Pillow, run again right after: ${Number.isFinite(equalPillowRate) ? equalPillowRate.toFixed(2) : 'n/a'}; ${ratio(equalRate, equalPillowRate)} Pillow's.`,
    '',
    '### What if (bench/image-variants.ts: the shipped pipeline with one change; Pillow run again right after each)',
    '',
    table(['variant', 'image', 'time', 'Pillow', 'speed-up', 'bytes', 'size ratio', 'SSIM'], variantRows),
    '',
    '### Peak memory (VmHWM of a fresh process that handles one image)',
    '',
    'Ours: the images function core (`compressImage`) with an in-memory bucket, under tsx; Pillow: the script above on one image.',
    '',
    table(['image', 'ours peak RSS', 'Pillow peak RSS', '24 MP within 512 MB'], memoryRows),
    '',
    `### Where ours spends an image's time (quality ${equalQuality ?? settings.jpegQuality})`,
    '',
    'The whole pipeline; decoding (libvips shrink-on-load), orienting and resizing to raw pixels; and encoding those 800-pixel raw pixels alone.',
    '',
    table(['image', 'whole', 'decode + orient + resize', 'encode alone', 'encode share'], splitRows),
    '',
    '### What SSIM >= 0.98 would take',
    '',
    `Ours at higher qualities on the unrotated 12 and 24 MP photos, against the same reference; size ratio against Pillow's output at its quality 85. Pillow's own output scores ${pillowLargeSsims.length ? Math.min(...pillowLargeSsims).toFixed(4) : 'n/a'} at full resolution on these photos.`,
    '',
    table(['quality', 'image', 'bytes', 'vs Pillow bytes', 'SSIM'], qualityRows),
  ].join('\n');
  const targets = imageTargets({
    workers,
    equalQuality,
    equalSpeedups,
    equalSizeRatios,
    equalRate,
    pillowRate: equalPillowRate,
    equalSsims,
    pillowLargeSsims,
    qualityFigures,
    variantSpeedups,
    unequalVariants,
    encodeShare: splitShares.length ? median(splitShares) : NaN,
    wrongLooking,
    checkedImages: photos.length,
    peaks24,
  });
  return { title: 'Image pipeline: sharp against the original Pillow', command: 'npm run bench:image-pipeline', body, targets };
}

interface ImageFigures {
  workers: number;
  equalQuality: number | undefined;
  equalSpeedups: number[];
  equalSizeRatios: number[];
  equalRate: number;
  pillowRate: number;
  equalSsims: number[];
  pillowLargeSsims: number[];
  qualityFigures: { quality: number; ssim: number; sizeRatio: number }[];
  variantSpeedups: Map<string, number[]>;
  unequalVariants: Set<string>;
  /** The encode's share of ours' time per large photo (median). */
  encodeShare: number;
  wrongLooking: string[];
  checkedImages: number;
  peaks24: number[];
}

const x = (values: number[]) => (values.length ? `${median(values).toFixed(2)}x` : 'n/a');

/** The design's image targets against this run's figures, each miss with its reason and remedy. */
export function imageTargets(f: ImageFigures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const sizeOk = f.equalSizeRatios.length > 0 && f.equalSizeRatios.every((r) => r >= 0.95 && r <= 1.05);
  const sizeRange = f.equalSizeRatios.length ? `${Math.min(...f.equalSizeRatios).toFixed(2)}-${Math.max(...f.equalSizeRatios).toFixed(2)}x Pillow's bytes` : 'n/a';
  const variantLines = [...f.variantSpeedups.entries()].map(([name, v]) => `${name}: ${x(v)}${f.unequalVariants.has(name) ? ' (not within 5% of Pillow\'s size)' : ''}`).join('; ');
  const best = [...f.variantSpeedups.entries()]
    .filter(([name]) => name.includes('equal size') && !f.unequalVariants.has(name))
    .map(([name, v]) => ({ name, speed: median(v) }))
    .sort((a, b) => b.speed - a.speed)[0];
  const speedWhy =
    `at Pillow's output size ours encodes at quality ${f.equalQuality ?? 'n/a'}. Decoding and resizing the 12/24 MP input is almost all of ours' time: the 800-pixel encode is ${Number.isFinite(f.encodeShare) ? `${(f.encodeShare * 100).toFixed(0)}%` : 'n/a'} of it (table "Where ours spends an image's time"). ` +
    `Both pipelines decode with libjpeg-turbo and its DCT scaling (libvips' shrink-on-load; Pillow's thumbnail() calls draft()), so the bulk of the work is the same library doing the same job on both sides, which leaves little room for a 1.5x lead.`;
  const speedClose = best
    ? `the measured what-ifs (median speed-up) reach ${variantLines}. ${best.speed >= 1.5 ? `${best.name} reaches the target one image at a time (on all cores every core is busy already, so more threads per image add nothing there).` : 'None at equal size reaches 1.5x. What remains is the decode and resize, the same libjpeg-turbo work as Pillow\'s: a coarser shrink-on-load before a cheaper final resize is the one lever left, and it changes the output, so it needs its own SSIM check.'}`
    : undefined;
  const one = f.equalSpeedups.length ? median(f.equalSpeedups) : NaN;
  checks.push({
    target: '>= 1.5x Pillow at equal output size (within 5%)',
    subject: '12/24 MP photos, one at a time',
    measured: `${x(f.equalSpeedups)} (median of 4 photos) at quality ${f.equalQuality ?? 'n/a'}, ${sizeRange}`,
    met: Number.isFinite(one) ? one >= 1.5 && sizeOk : undefined,
    why: speedWhy,
    close: speedClose,
  });
  const all = f.equalRate / f.pillowRate;
  checks.push({
    target: '>= 1.5x Pillow at equal output size (within 5%)',
    subject: `12/24 MP photos, ${f.workers} at a time`,
    measured: `${Number.isFinite(all) ? all.toFixed(2) : 'n/a'}x (${f.equalRate.toFixed(2)} against ${f.pillowRate.toFixed(2)} images per second)`,
    met: Number.isFinite(all) ? all >= 1.5 && sizeOk : undefined,
    why: `as one at a time; on all cores neither side has a spare core, so only less work per image would help.`,
    close: `the same as one at a time; more libvips threads per image cannot help here.`,
  });
  const lowest = f.equalSsims.length ? Math.min(...f.equalSsims) : NaN;
  const reaching = f.qualityFigures.find((q) => q.ssim >= 0.98);
  const pillow = f.pillowLargeSsims.length ? Math.min(...f.pillowLargeSsims) : NaN;
  checks.push({
    target: 'SSIM >= 0.98',
    subject: `12/24 MP photos at equal size (quality ${f.equalQuality ?? 'n/a'})`,
    measured: `${Number.isFinite(lowest) ? lowest.toFixed(4) : 'n/a'} lowest, full resolution`,
    met: meets(lowest, 0.98, 'min'),
    why:
      `the reference is a Lanczos-3 resize of the correctly oriented original to the output's size, kept as raw pixels (never JPEG-encoded), compared at full resolution: it charges every pipeline for its JPEG loss on the photos' fine grain. ` +
      `The original pipeline itself scores ${Number.isFinite(pillow) ? pillow.toFixed(4) : 'n/a'} at its own quality 85, so at Pillow's output size 0.98 is out of reach for both. ` +
      (reaching
        ? `Ours first reaches 0.98 at quality ${reaching.quality}, writing ${reaching.sizeRatio.toFixed(2)}x Pillow's bytes (table "What SSIM >= 0.98 would take").`
        : `None of the qualities measured (${f.qualityFigures.map((q) => `${q.quality}: ${q.ssim.toFixed(4)}`).join(', ')}) reaches it.`),
    close:
      `the two targets conflict at full resolution: either accept ${reaching ? `${reaching.sizeRatio.toFixed(2)}x the bytes at quality ${reaching.quality}` : 'much larger files'}, or state the SSIM target on Wang's downsampled scale (the reference implementation's default, which models viewing distance), where both pipelines score above 0.99 (bracketed figures).`,
  });
  checks.push({
    target: 'correct orientation and colour',
    subject: `every fixture and photo (${f.checkedImages}: EXIF orientations 1-8, CMYK, grey, palette and alpha PNGs, 12/24 MP)`,
    measured: f.wrongLooking.length ? f.wrongLooking.join('; ') : 'every output has the oriented shape, SSIM >= 0.9 against the oriented reference, and is sRGB',
    met: f.wrongLooking.length === 0,
  });
  const peak = f.peaks24.length ? Math.max(...f.peaks24) : NaN;
  checks.push({
    target: '24 MP JPEG within 512 MB',
    subject: 'the images function core on the 24 MP photos (fresh process)',
    measured: `peak RSS ${bytes(peak)}`,
    met: meets(peak, 512 * 1024 * 1024, 'max'),
  });
  return checks;
}

if (require.main === module) {
  void imagePipelineBenchmark().then((section) => {
    console.log(renderSection(section));
    console.log(`### Against the targets\n\n${renderTargets(section.targets ?? [])}`);
  });
}
