/**
 * The original Python/Pillow pipeline (bench/pillow_pipeline.py), run by Debian's python3 with
 * Debian's python3-pil, installed with apt-get when missing (the benchmark runs as root here;
 * elsewhere it says what to install). A pyenv or venv `python3` earlier on PATH usually lacks PIL,
 * so Debian's interpreter is tried first.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, run } from './children';

const SCRIPT = join(__dirname, 'pillow_pipeline.py');

export interface PillowImage {
  input: string;
  seconds?: number;
  bytes?: number;
  output?: string;
  error?: string;
}

export interface PillowRun {
  images: PillowImage[];
  concurrent?: { workers: number; images: number; seconds: number };
  maxRssKib: number;
}

async function hasPil(python: string): Promise<string | undefined> {
  try {
    const r = await run(python, ['-c', 'import PIL; print(PIL.__version__)']);
    return r.code === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** The interpreter that has Pillow, and Pillow's version; installs python3-pil when it can. */
export async function findPillow(): Promise<{ python: string; version: string } | { missing: string }> {
  const candidates = ['/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    const version = await hasPil(python);
    if (version) return { python, version };
  }
  if (existsSync('/usr/bin/apt-get') && process.getuid?.() === 0) {
    console.error('bench: installing python3-pil with apt-get (the original pipeline needs it)');
    await run('apt-get', ['install', '-y', '-q', 'python3-pil'], { timeoutMs: 300_000 });
    const version = await hasPil('/usr/bin/python3');
    if (version) return { python: '/usr/bin/python3', version };
  }
  return { missing: 'Pillow is not installed and could not be: run `sudo apt-get install python3-pil`' };
}

/** One call of the script: each input `repeats` times, then all together on `workers` processes. */
export async function runPillow(python: string, inputs: readonly string[], repeats: number, workers: number, outDir?: string): Promise<PillowRun> {
  const dir = outDir ?? mkdtempSync(join(tmpdir(), 'bench-pillow-'));
  const r = await run(python, [SCRIPT, dir, String(repeats), String(workers), ...inputs], { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`pillow_pipeline.py exited ${r.code}: ${r.stderr.slice(-500)}`);
  const lines = jsonLines<Record<string, unknown>>(r.stdout);
  const images = lines.filter((l) => 'input' in l) as unknown as PillowImage[];
  const together = lines.find((l) => 'concurrent' in l);
  const rss = lines.find((l) => 'max_rss_kib' in l);
  return {
    images,
    concurrent: together ? { workers: Number(together.concurrent), images: Number(together.images), seconds: Number(together.seconds) } : undefined,
    maxRssKib: Number(rss?.max_rss_kib ?? NaN),
  };
}
