/**
 * The local server's memory under concurrent large uploads (issue 19, defect 3): `npm start`'s
 * server in a child process, 8 uploads of 49 MB at once to the originals bucket (as `.bin` keys,
 * which the images function skips without reading them), each retried after its `Retry-After`
 * when the server answers 503. Reports the server's resident memory before, and its peak during
 * (VmHWM from /proc, so no sample can miss the peak), and how the uploads were answered.
 *
 * Run alone: npm run bench:upload-memory  (Linux: reads /proc/<pid>/status)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startProcess } from '../test/support/processes';
import { repoRoot } from './children';

const UPLOADS = 8;
const SIZE = 49 * 1024 * 1024;
const CHUNK = 1024 * 1024;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN);
}

/** One upload streamed in 1 MiB chunks (the same chunk each time: this process's memory is not measured). */
function upload(port: number, key: string, chunk: Buffer): Promise<{ status: number; retryAfter?: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path: `/buckets/originals/${key}`, headers: { 'content-type': 'application/octet-stream', 'content-length': SIZE }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers['retry-after'] ? { retryAfter: Number(res.headers['retry-after']) } : {}) }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    let sent = 0;
    const pump = () => {
      while (sent < SIZE) {
        sent += CHUNK;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

async function main(): Promise<void> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-upload-memory-'));
  const server = await startProcess(process.execPath, ['--import', 'tsx', 'adapters/local/main.ts', '--port', String(port), '--data-dir', dataDir], port, {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  try {
    await sleep(1_000); // let start-up settle
    const before = statusKb(server.pid, 'VmRSS');
    const chunk = Buffer.alloc(CHUNK, 7);
    const answers: Record<number, number> = {};
    let refusals = 0;
    await Promise.all(
      Array.from({ length: UPLOADS }, async (_, i) => {
        for (;;) {
          const { status, retryAfter } = await upload(port, `large-${i}.bin`, chunk);
          answers[status] = (answers[status] ?? 0) + 1;
          if (status !== 503) return;
          refusals++;
          await sleep((retryAfter ?? 1) * 1000);
        }
      }),
    );
    const peak = statusKb(server.pid, 'VmHWM');
    const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
    process.stdout.write(
      [
        `## Local server memory, ${UPLOADS} concurrent uploads of ${SIZE / 1024 / 1024} MB`,
        '',
        '| RSS before | peak RSS (VmHWM) | answers | 503 retried |',
        '|---|---|---|---|',
        `| ${mb(before)} | ${mb(peak)} | ${Object.entries(answers).map(([s, n]) => `${n} x ${s}`).join(', ')} | ${refusals} |`,
        '',
      ].join('\n'),
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
