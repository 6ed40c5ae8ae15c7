/**
 * The local HTTP server: one route table over the three functions' front doors, the feeds the
 * console shows, and the console page itself. Every answer is JSON or problem+json, except
 * object bytes and the page.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { retryAfterOf } from '../../handlers/errors';
import { handleBuckets } from './buckets-api';
import { whenNotBusy } from './busy';
import { isBusy } from './database';
import { localQueues, localTopics } from './environment';
import { MalformedRequestError, decodePath } from './events/http';
import { HttpProblem, methodNotAllowed, readBodyPrefix, sendJson, sendProblem } from './http-kit';
import { handleOrders, handleStock } from './orders-api';
import { handleSigned } from './signed-api';
import type { UploadSlots } from './uploads';
import { redriveDeadLetter } from './redrive';
import { usersEntry } from './users';
import type { LocalPorts } from './wiring';

/** Four 50 MB uploads at once stay far below a laptop's memory while streaming; more wait their turn. */
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 4;

export const consolePagePath = join(__dirname, 'console.html');
/** The console's scripts (adapters/local/console/), served at /console/<name>. */
export const consoleScripts = ['kit.js', 'walkthrough.js', 'upload.js', 'api.js'] as const;

/** The endpoints `main.ts` prints, one line each. */
export const endpoints: readonly [string, string][] = [
  ['GET', '/                                  the console page'],
  ['GET POST', '/users   GET HEAD PUT PATCH DELETE /users/{id}'],
  ['GET', '/openapi.json                      the users API description (OpenAPI 3.1)'],
  ['PUT', '/buckets/originals/<key>           upload; fires the images function'],
  ['POST', '/users/{id}/uploads  GET /users/{id}/images[/{name}]  signed uploads and downloads'],
  ['PUT GET', '/signed/<bucket>/<key>?X-Signature=...   what those signed URLs reach'],
  ['GET', '/buckets/<bucket>/<key>  /buckets/<bucket>?prefix='],
  ['POST', '/orders                            queue an order (202)'],
  ['GET', '/orders  /orders/{id}'],
  ['GET', '/stock   PUT /stock/{product_id}'],
  ['GET', '/dead-letters  /payments  /events  /queues'],
  ['POST', '/dead-letters/{id}/redrive          replay one dead letter'],
];

export interface LocalServerOptions {
  /** Uploads stored at once; one more is answered 503 with Retry-After. */
  maxConcurrentUploads?: number;
}

export function createLocalServer(ports: LocalPorts, options: LocalServerOptions = {}): Server {
  const users = usersEntry(ports);
  const page = readFileSync(consolePagePath);
  const scripts = new Map<string, Buffer>(consoleScripts.map((name) => [name, readFileSync(join(__dirname, 'console', name))]));
  const uploads: UploadSlots = { max: options.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS, inUse: 0 };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = url.pathname;
    const [, first = '', ...restParts] = raw.split('/');
    const rest = restParts.join('/');
    const id = rest === '' ? undefined : decodePath(rest);

    // The users function also serves the API's description, as it does on every cloud.
    if (first === 'users' || raw === '/openapi.json') {
      // The core answers an over-size body itself (413 problem+json with instance and CORS):
      // hand it just enough bytes to see that, instead of refusing here with a bare problem.
      const body = await readBodyPrefix(req, ports.settings.users.maxBodyBytes);
      const answer = await users({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body, requestId: randomUUID() });
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    if (first === 'buckets' && rest !== '') return handleBuckets(req, res, rest, url, ports, uploads);
    if (first === 'signed') return handleSigned(req, res, rest, url, ports, uploads);
    if (first === 'orders') return handleOrders(req, res, id, ports);
    if (first === 'stock') return handleStock(req, res, id, ports);
    const redrive = first === 'dead-letters' ? /^(\d+)\/redrive$/.exec(rest) : null;
    if (redrive) {
      if (req.method !== 'POST') throw methodNotAllowed(['POST']);
      return sendJson(res, 200, await redriveDeadLetter(ports, Number(redrive[1])));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(['GET']);
    if (raw === '/') {
      // the console may not be framed by another site (clickjacking)
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "frame-ancestors 'none'" });
      res.end(page);
      return;
    }
    const script = first === 'console' ? scripts.get(rest) : undefined;
    if (script) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(script);
      return;
    }
    // One trailing slash is tolerated as on /orders/, /stock/ and /users/ (`rest` is '' for both
    // `/payments` and `/payments/`); anything below a feed is unknown.
    const feed = rest === '' ? first : undefined;
    if (feed === 'dead-letters') return sendJson(res, 200, { dead_letters: await whenNotBusy(() => ports.deadLetters.entries().map(({ id, letter }) => ({ id, ...letter }))) });
    if (feed === 'payments') return sendJson(res, 200, { payments: await whenNotBusy(() => ports.queue(localQueues.payments).peek()) });
    if (feed === 'events') return sendJson(res, 200, { events: await whenNotBusy(() => ports.bus.published(localTopics.events)) });
    if (feed === 'queues') {
      const depths = await whenNotBusy(() => Object.fromEntries(Object.values(localQueues).map((name) => [name, ports.queue(name).depth()])));
      return sendJson(res, 200, { queues: depths });
    }
    throw new HttpProblem(404, 'Not Found', `nothing at ${raw}`);
  }

  const server = createServer((req, res) => {
    // every answer, JSON and problems included, is taken as the type it says it is
    res.setHeader('x-content-type-options', 'nosniff');
    const address = server.address();
    const misdirected = typeof address === 'object' && address !== null ? hostProblem(req.headers.host, address.port) : undefined;
    (misdirected ? Promise.reject(misdirected) : route(req, res)).catch((err: unknown) => {
      const problem =
        err instanceof HttpProblem
          ? err
          : err instanceof MalformedRequestError
            ? new HttpProblem(400, 'Bad Request', err.message)
            : unavailable(err) ?? new HttpProblem(500, 'Internal Server Error', (err as Error)?.message);
      if (problem.status >= 500) ports.logger.error('request failed', { method: req.method, url: req.url, error: (err as Error)?.stack });
      if (res.headersSent) res.destroy();
      else sendProblem(res, problem);
    });
  });
  return server;
}

/**
 * DNS rebinding: a page on any site can point its own host name at 127.0.0.1 and then drive this
 * server from the victim's browser, which sends that site's name as `Host`. Only the names this
 * server is reached by on this machine are answered: 127.0.0.1 and localhost, on the port it
 * listens on (the port may be left out only when it is 80).
 */
export function hostProblem(host: string | undefined, port: number): HttpProblem | undefined {
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, ...(port === 80 ? ['127.0.0.1', 'localhost'] : [])]);
  if (host !== undefined && allowed.has(host.toLowerCase())) return undefined;
  return new HttpProblem(421, 'Misdirected Request', `this server answers only to 127.0.0.1:${port} and localhost:${port}, not ${JSON.stringify(host ?? '')}`);
}

/**
 * The database stayed locked by another process for longer than a request waits (`whenNotBusy`),
 * or a busy error escaped a call that does not wait: come back in a second.
 */
function unavailable(err: unknown): HttpProblem | undefined {
  const seconds = retryAfterOf(err) ?? (isBusy(err) ? 1 : undefined);
  if (seconds === undefined) return undefined;
  return new HttpProblem(503, 'Service Unavailable', 'the database is locked by another process; try again shortly', { 'retry-after': String(Math.max(1, Math.ceil(seconds))) });
}
