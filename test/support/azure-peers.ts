/**
 * The real peers the Azure adapter tests talk to:
 * - Azurite 3.35.0 (Microsoft's storage emulator: blob, queue, table), in memory, on free ports
 *   of 127.0.0.1, started once per test run and stopped by its pid;
 * - a stand-in for an Event Grid custom topic, which has no emulator. It answers the one call the
 *   adapter makes, "Publish Events" (POST <endpoint>?api-version=2018-01-01 with a JSON array
 *   of Event Grid schema events and the `aeg-sas-key` header): 200 with an empty body when every
 *   event carries the required fields, 400 otherwise, 401 for a wrong key, as documented in
 *   https://learn.microsoft.com/rest/api/eventgrid/dataplane/publish-events/publish-event-grid-events
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { freePort, installed, startProcess, waitForPort, type RunningProcess } from './processes';
import { repoRoot } from './fixtures';

/** Azurite's well-known development account (public, documented, not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export const azuriteBin = join(repoRoot, 'node_modules', '.bin', 'azurite');

export interface Azurite {
  connectionString: string;
  stop(): Promise<void>;
}

let shared: { process: RunningProcess; connectionString: string; users: number } | undefined;

/** Starts Azurite (or reuses the one this run started); undefined when it is not installed. */
export async function startAzurite(): Promise<Azurite | undefined> {
  if (!installed(azuriteBin)) return undefined;
  if (!shared) {
    const [blob, queue, table] = [await freePort(), await freePort(), await freePort()];
    const process = await startProcess(azuriteBin, [
      '--inMemoryPersistence', '--skipApiVersionCheck', '--silent',
      '--blobHost', '127.0.0.1', '--blobPort', String(blob),
      '--queueHost', '127.0.0.1', '--queuePort', String(queue),
      '--tableHost', '127.0.0.1', '--tablePort', String(table),
    ], table);
    await Promise.all([blob, queue].map((p) => waitForPort(p, 30_000, process.child)));
    const connectionString = [
      'DefaultEndpointsProtocol=http',
      `AccountName=${ACCOUNT}`,
      `AccountKey=${ACCOUNT_KEY}`,
      `BlobEndpoint=http://127.0.0.1:${blob}/${ACCOUNT}`,
      `QueueEndpoint=http://127.0.0.1:${queue}/${ACCOUNT}`,
      `TableEndpoint=http://127.0.0.1:${table}/${ACCOUNT}`,
    ].join(';') + ';';
    shared = { process, connectionString, users: 0 };
  }
  shared.users++;
  const mine = shared;
  return {
    connectionString: mine.connectionString,
    stop: async () => {
      mine.users--;
      if (mine.users === 0 && shared === mine) {
        shared = undefined;
        await mine.process.stop();
      }
    },
  };
}

export interface PublishedGridEvent {
  id: string;
  subject: string;
  eventType: string;
  eventTime: string;
  dataVersion: string;
  data: Record<string, unknown>;
}

export interface EventGridStandIn {
  endpoint: string;
  key: string;
  received: PublishedGridEvent[];
  /** Requests refused, with the reason (for failure messages). */
  refused: string[];
  stop(): Promise<void>;
}

const REQUIRED = ['id', 'subject', 'eventType', 'eventTime', 'data', 'dataVersion'] as const;

export async function startEventGridStandIn(): Promise<EventGridStandIn> {
  const key = randomUUID();
  const received: PublishedGridEvent[] = [];
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const refuse = (status: number, message: string) => {
        refused.push(message);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: status === 401 ? 'Unauthorized' : 'BadRequest', message } }));
      };
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'POST' || url.pathname !== '/api/events') return refuse(404, `no route ${req.method} ${url.pathname}`);
      if (!url.searchParams.get('api-version')) return refuse(400, 'api-version is required');
      if (req.headers['aeg-sas-key'] !== key) return refuse(401, 'the aeg-sas-key header is missing or wrong');
      let events: unknown;
      try {
        events = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return refuse(400, 'the body is not JSON');
      }
      if (!Array.isArray(events)) return refuse(400, 'the body must be an array of events');
      for (const e of events as Record<string, unknown>[]) {
        const missing = REQUIRED.filter((f) => e[f] === undefined || e[f] === '');
        if (missing.length) return refuse(400, `event is missing ${missing.join(', ')}`);
      }
      received.push(...(events as PublishedGridEvent[]));
      res.writeHead(200);
      res.end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}/api/events`,
    key,
    received,
    refused,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
