/**
 * The local HTTP server: one route table over the three functions' front doors, the feeds the
 * console shows, and the console page itself. Every answer is JSON or problem+json, except
 * object bytes and the page.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { handleBuckets } from './buckets-api';
import { localQueues, localTopics } from './environment';
import { MalformedRequestError, decodePath } from './events/http';
import { HttpProblem, methodNotAllowed, readBodyPrefix, sendJson, sendProblem } from './http-kit';
import { handleOrders, handleStock } from './orders-api';
import { redriveDeadLetter } from './redrive';
import { usersEntry } from './users';
import type { LocalPorts } from './wiring';

export const consolePagePath = join(__dirname, 'console.html');

/** The endpoints `main.ts` prints, one line each. */
export const endpoints: readonly [string, string][] = [
  ['GET', '/                                  the console page'],
  ['GET POST', '/users   GET HEAD PUT PATCH DELETE /users/{id}'],
  ['PUT', '/buckets/originals/<key>           upload; fires the images function'],
  ['GET', '/buckets/<bucket>/<key>  /buckets/<bucket>?prefix='],
  ['POST', '/orders                            queue an order (202)'],
  ['GET', '/orders  /orders/{id}'],
  ['GET', '/stock   PUT /stock/{product_id}'],
  ['GET', '/dead-letters  /payments  /events  /queues'],
  ['POST', '/dead-letters/{id}/redrive          replay one dead letter'],
];

export function createLocalServer(ports: LocalPorts): Server {
  const users = usersEntry(ports);
  const page = readFileSync(consolePagePath);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = url.pathname;
    const [, first = '', ...restParts] = raw.split('/');
    const rest = restParts.join('/');
    const id = rest === '' ? undefined : decodePath(rest);

    if (first === 'users') {
      // The core answers an over-size body itself (413 problem+json with instance and CORS):
      // hand it just enough bytes to see that, instead of refusing here with a bare problem.
      const body = await readBodyPrefix(req, ports.settings.users.maxBodyBytes);
      const answer = await users({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body, requestId: randomUUID() });
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    if (first === 'buckets' && rest !== '') return handleBuckets(req, res, rest, url, ports);
    if (first === 'orders') return handleOrders(req, res, id, ports);
    if (first === 'stock') return handleStock(req, res, id, ports);
    const redrive = first === 'dead-letters' ? /^(\d+)\/redrive$/.exec(rest) : null;
    if (redrive) {
      if (req.method !== 'POST') throw methodNotAllowed(['POST']);
      return sendJson(res, 200, await redriveDeadLetter(ports, Number(redrive[1])));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(['GET']);
    if (raw === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page);
      return;
    }
    // One trailing slash is tolerated as on /orders/, /stock/ and /users/ (`rest` is '' for both
    // `/payments` and `/payments/`); anything below a feed is unknown.
    const feed = rest === '' ? first : undefined;
    if (feed === 'dead-letters') return sendJson(res, 200, { dead_letters: ports.deadLetters.entries().map(({ id, letter }) => ({ id, ...letter })) });
    if (feed === 'payments') return sendJson(res, 200, { payments: ports.queue(localQueues.payments).peek() });
    if (feed === 'events') return sendJson(res, 200, { events: ports.bus.published(localTopics.events) });
    if (feed === 'queues') {
      const depths = Object.fromEntries(Object.values(localQueues).map((name) => [name, ports.queue(name).depth()]));
      return sendJson(res, 200, { queues: depths });
    }
    throw new HttpProblem(404, 'Not Found', `nothing at ${raw}`);
  }

  return createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const problem =
        err instanceof HttpProblem
          ? err
          : err instanceof MalformedRequestError
            ? new HttpProblem(400, 'Bad Request', err.message)
            : new HttpProblem(500, 'Internal Server Error', (err as Error)?.message);
      if (problem.status >= 500) ports.logger.error('request failed', { method: req.method, url: req.url, error: (err as Error)?.stack });
      if (res.headersSent) res.destroy();
      else sendProblem(res, problem);
    });
  });
}
