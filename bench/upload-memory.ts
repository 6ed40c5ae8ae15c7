/**
 * The local server's memory under concurrent large uploads (issue 19, defect 3), by both ways in:
 * `PUT /buckets/originals/<key>` and a signed `PUT /signed/originals/<key>` (the URL the users API
 * hands out). For each, `npm start`'s server in a child process of its own (VmHWM is a process's
 * high-water mark), 8 uploads of 49 MB at once (as `.bin` keys, which the images function skips
 * without reading them), each retried after its `Retry-After` when the server answers 503.
 * Reports the server's resident memory before, and its peak during (VmHWM from /proc, so no
 * sample can miss the peak), and how the uploads were answered.
 *
 * Run alone: npm run bench:upload-memory  (Linux: reads /proc/<pid>/status)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadSigningKey } from '../adapters/local/signing-key';
import { signPath } from '../adapters/local/signed-urls';
import { freePort, startProcess } from '../test/support/processes';
import { repoRoot } from './children';
import { renderSection, type Section } from './report';

type Route = 'buckets' | 'signed';

const UPLOADS = 8;
const SIZE = 49 * 1024 * 1024;
const CHUNK = 1024 * 1024;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN);
}

/** One upload streamed in 1 MiB chunks (the same chunk each time: this process's memory is not measured). */
function upload(port: number, path: string, chunk: Buffer): Promise<{ status: number; retryAfter?: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path, headers: { 'content-type': 'application/octet-stream', 'content-length': SIZE }, agent: false }, (res) => {
      res.resume();
      // 'close', not 'end': a response cut short by the connection's reset never ends
      res.on('close', () => resolve({ status: res.statusCode ?? 0, ...(res.headers['retry-after'] ? { retryAfter: Number(res.headers['retry-after']) } : {}) }));
    });
    // a refused upload's connection is closed while the body is still being sent: the answer may be
    // lost to the reset (then it counts as 0 and is retried like a 503), or arrive (then this is moot)
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? resolve({ status: 0, retryAfter: 1 }) : reject(err)));
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

/** Where upload `i` goes: the bucket's path, or a URL signed with the server's own key for its size. */
function pathFor(route: Route, dataDir: string, i: number): string {
  const key = `large-${i}.bin`;
  if (route === 'buckets') return `/buckets/originals/${key}`;
  const secret = loadSigningKey(dataDir);
  return signPath(secret, { method: 'PUT', bucket: 'originals', key, expires: Math.floor(Date.now() / 1000) + 3600, maxBytes: SIZE, contentType: 'application/octet-stream' });
}

async function measure(route: Route): Promise<string[]> {
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
          const { status, retryAfter } = await upload(port, pathFor(route, dataDir, i), chunk);
          answers[status] = (answers[status] ?? 0) + 1;
          if (status !== 503 && status !== 0) return;
          refusals++;
          await sleep((retryAfter ?? 1) * 1000);
        }
      }),
    );
    const peak = statusKb(server.pid, 'VmHWM');
    const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
    const label = route === 'buckets' ? 'PUT /buckets/originals/<key>' : 'signed PUT /signed/originals/<key>';
    return [label, mb(before), mb(peak), Object.entries(answers).map(([st, n]) => `${n} x ${st}`).join(', '), String(refusals)];
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function uploadMemoryBenchmark(): Promise<Section> {
  const only = process.env.ROUTE as Route | undefined;
  const rows = only ? [await measure(only)] : [await measure('buckets'), await measure('signed')];
  const body = [
    `${UPLOADS} uploads of ${SIZE / 1024 / 1024} MB at once to a fresh server per route; a 503 is retried after its Retry-After, and so is a refusal lost to the connection's reset (counted as status 0: the server closes a refused upload's connection without reading its body). Both routes stream to disk within the same upload slots (adapters/local/uploads.ts), so both peaks should stay far below ${UPLOADS} x ${SIZE / 1024 / 1024} MB.`,
    '',
    '| route | RSS before | peak RSS (VmHWM) | answers | retried |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  return { title: `Local server memory, ${UPLOADS} concurrent uploads of ${SIZE / 1024 / 1024} MB`, command: 'npm run bench:upload-memory', body };
}

if (require.main === module) {
  uploadMemoryBenchmark()
    .then((section) => process.stdout.write(renderSection(section)))
    .catch((err: unknown) => {
      process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    });
}
