/**
 * Child processes for the benchmarks: a fresh process is the only honest way to measure a cold
 * start or a peak RSS, since a process's maxRSS never goes down once something large was held.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..');

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, as the parent saw it. */
  wallMs: number;
}

export function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildResult> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}

/** A TypeScript file of this repository in a fresh Node process (tsx registers the loader). */
export function runTs(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ChildResult> {
  return run(process.execPath, ['--require', 'tsx/cjs', resolve(repoRoot, file), ...args], options);
}

/** Every line of stdout that is a JSON object; other lines (a library's warning) are ignored. */
export function jsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  const out: T[] = [];
  for (const line of stdout.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      out.push(JSON.parse(trimmed) as T);
    } catch {
      // not one of ours
    }
  }
  return out;
}

/** Runs `work` over `items` with at most `workers` in flight; results keep the items' order. */
export async function pool<T, R>(items: readonly T[], workers: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
  return results;
}
