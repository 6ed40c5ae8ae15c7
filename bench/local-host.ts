/**
 * The local host under load: autocannon against `GET /users/{id}` and `POST /users` on the server
 * `npm start` runs (adapters/local/main.ts), and against the same users core on the same SQLite
 * store served by the Functions Framework through the GCP entry (bench/functions-framework-users.ts).
 * Both log at `warn`, so that one line per request does not measure the terminal.
 *
 * Run alone: npm run bench:local-host
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, type RunningProcess } from '../test/support/processes';
import { repoRoot } from './children';
import { ms, ratio, renderSection, table, type Section } from './report';

const DURATION_S = 8;
const CONNECTIONS = 10;

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, request: autocannon.Request): Promise<Load> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, requests: [request] });
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function host(name: string, args: string[]): Promise<{ base: string; proc: RunningProcess; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `bench-host-${name}-`));
  const proc = await startProcess(process.execPath, ['--require', 'tsx/cjs', ...args.map((a) => a.replace('{port}', String(port)).replace('{dataDir}', dataDir))], port, {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  return { base: `http://127.0.0.1:${port}`, proc, dataDir };
}

async function measureHost(name: string, base: string): Promise<(string | number)[][]> {
  const created = await fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada', email: 'ada@example.com' }) });
  if (created.status !== 201) throw new Error(`${name}: POST /users answered ${created.status}: ${await created.text()}`);
  const { user_id } = (await created.json()) as { user_id: string };
  let n = 0;
  // A new email each time: a repeated one is a 409, not a write.
  const newUser = () => JSON.stringify({ name: 'Load', email: `load-${n++}@example.com` });
  const probe = await fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: newUser() });
  if (probe.status !== 201) throw new Error(`${name}: the load's POST body is refused, ${probe.status}: ${await probe.text()}`);
  const get = await load(`${base}/users/${user_id}`, { method: 'GET' });
  const post = await load(`${base}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => ({ ...req, body: newUser() }),
  });
  return [
    [name, 'GET /users/{id}', get.requestsPerSecond.toFixed(0), ms(get.p50), ms(get.p99), get.non2xx + get.errors],
    [name, 'POST /users', post.requestsPerSecond.toFixed(0), ms(post.p50), ms(post.p99), post.non2xx + post.errors],
  ];
}

export async function localHostBenchmark(): Promise<Section> {
  const rows: (string | number)[][] = [];
  const hosts = [
    { name: 'npm start (node:http)', args: ['adapters/local/main.ts', '--port', '{port}', '--data-dir', '{dataDir}'] },
    { name: 'Functions Framework (GCP entry)', args: ['bench/functions-framework-users.ts', '{port}', '{dataDir}'] },
  ];
  for (const h of hosts) {
    const { base, proc, dataDir } = await host(h.name.split(' ')[0].toLowerCase(), h.args);
    try {
      rows.push(...(await measureHost(h.name, base)));
    } finally {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const rate = (host: number, route: number) => Number(rows[host * 2 + route][2]);
  const body = [
    `autocannon ${CONNECTIONS} connections for ${DURATION_S} s per row, from the benchmark's own process, on the same machine as the server (the load generator takes CPU from the server). The GET reads one user; each POST creates a new one. "not 2xx" counts non-2xx answers and socket errors: it must be 0 for a figure to count.`,
    '',
    table(['host', 'route', 'requests per second', 'p50', 'p99', 'not 2xx'], rows),
    '',
    `npm start vs Functions Framework: GET ${ratio(rate(0, 0), rate(1, 0))}, POST ${ratio(rate(0, 1), rate(1, 1))} the requests per second.`,
  ].join('\n');
  return { title: 'Local host under load', command: 'npm run bench:local-host', body };
}

if (require.main === module) {
  void localHostBenchmark().then((section) => console.log(renderSection(section)));
}
