/**
 * Starts the REAL local server (`adapters/local/main.ts`, as `npm start` runs it) as a child
 * process on a free port over a given data directory, and small HTTP helpers to drive it.
 */
import { repoRoot } from '../../support/fixtures';
import { checkedFetch } from '../../support/openapi-traffic';
import { freePort, startProcess, type RunningProcess } from '../../support/processes';

export interface LocalServer extends RunningProcess {
  base: string;
}

/** Short queue timings so that retries and redeliveries after a crash happen within a test. */
export const fastQueues = { QUEUE_VISIBILITY_SECONDS: '2', QUEUE_RETRY_BASE_MS: '50', QUEUE_RETRY_MAX_MS: '400' };

export async function startLocalServer(dataDir: string, env: Record<string, string> = {}, args: string[] = []): Promise<LocalServer> {
  const port = await freePort();
  const running = await startProcess(
    process.execPath,
    ['--import', 'tsx', 'adapters/local/main.ts', '--port', String(port), '--data-dir', dataDir, ...args],
    port,
    { cwd: repoRoot, env: { ...process.env, ...fastQueues, ...env }, readyTimeoutMs: 60_000 },
  );
  return { ...running, base: `http://127.0.0.1:${port}` };
}

/** GET and parse; users API traffic is checked against openapi.json on the way. */
export async function getJson<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
  const res = await checkedFetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

/** Send JSON and parse the answer; users API traffic is checked against openapi.json on the way. */
export async function sendJson<T = Record<string, unknown>>(method: string, url: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await checkedFetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

/** Polls `check` until it returns something other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Depth = { waiting: number; hidden: number };

/** Resolves once the named queue holds nothing, waiting or in flight. */
export function drained(server: LocalServer, queue: 'images' | 'orders', timeoutMs = 60_000): Promise<true> {
  return eventually(async () => {
    const { body } = await getJson<{ queues: Record<string, Depth> }>(`${server.base}/queues`);
    const depth = body.queues[queue];
    return depth.waiting + depth.hidden === 0 ? true : undefined;
  }, `the ${queue} queue to drain`, timeoutMs);
}
