/**
 * Bad input over HTTP: malformed requests (bodies, headers, paths, encodings, sizes) through the
 * users core and through every cloud's users entry point: API Gateway events into the Lambda
 * handler, @azure/functions requests into the Azure handler on Azurite, and raw bytes over a
 * socket into the Functions Framework server on the Firestore emulator. Never a 5xx, a crash or
 * an unhandled rejection; every error our code answers is a 4xx problem+json. On GCP, what the
 * framework answers before our function runs (Node's HTTP parser, Express's router, body-parser)
 * is told apart, checked against what `frameworkRefusals` documents, and counted. Those answers
 * are a known limit of Functions Framework 5.0.5 (no hook before its body parsers; see
 * docs/adapters/gcp.md), pinned by a canary in test/adapters/gcp/users.test.ts that fails when an
 * upgrade changes them, so that the limit is revisited rather than forgotten.
 */
import { HttpRequest as AzureHttpRequest, InvocationContext } from '@azure/functions';
import * as functions from '@google-cloud/functions-framework';
import { TableClient } from '@azure/data-tables';
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { httpRequest } from '../../adapters/aws/events/http';
import { createUsersHandler } from '../../adapters/aws/users';
import { azureEnvironment } from '../../adapters/azure/environment';
import { fromHttpRequest } from '../../adapters/azure/events/http';
import { usersHandler } from '../../adapters/azure/users';
import { useSettings } from '../../adapters/azure/wiring';
import { createUsersApi } from '../../handlers/users';
import { systemClock } from '../../handlers/ports/clock';
import { randomIds } from '../../handlers/ports/ids';
import { silentLogger } from '../../handlers/ports/logger';
import { readSettings } from '../../handlers/settings';
import { usersSpec } from '../../handlers/specs';
// registers the `users` target of the Functions Framework, as deployed
import { createUsersFunction } from '../../adapters/gcp/users';
import { usersRuntime } from '../../adapters/gcp/wiring';
import { functionsEnv } from '../adapters/gcp/support/functions-env';
import { serveFunction, type ServedFunction } from '../adapters/gcp/support/serve';
import { startAzurite, type Azurite } from '../support/azure-peers';
import { gcpPeersMissing } from '../support/gcp-peers';
import { checkExchange } from '../support/openapi-traffic';
import { expectSafeAnswer, malformedRequests, withoutUnhandledRejections, type RawRequest } from '../support/reliability-http';
import { scale } from '../support/reliability-scale';
import { storesUnderTest, useStore } from '../support/reliability-stores';
import { tally } from '../support/reliability-tally';

const settings = readSettings(usersSpec, {});
const runs = { numRuns: scale.propertyRuns };

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

describe('reliability: malformed HTTP requests', function () {
  this.timeout(180_000);
  const local = useStore(storesUnderTest[0]);

  it('the users core answers every one with a 4xx problem+json or a success', async () => {
    const api = createUsersApi({ users: local().users, clock: systemClock, ids: randomIds, logger: silentLogger }, settings);
    let errors = 0;
    await withoutUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(malformedRequests, async (r) => {
          const query = Object.fromEntries(new URLSearchParams(r.query));
          const request = { method: r.method, path: decodedPath(r.path), query, headers: r.headers, body: r.body };
          const answer = await api(request);
          if (expectSafeAnswer({ status: answer.status, contentType: answer.headers['content-type'], body: answer.body }, r)) errors++;
          // and every answer is one openapi.json allows (a refused request gets a 4xx it describes)
          await checkExchange(request, answer);
        }),
        runs,
      ),
    );
    expect(errors, 'some inputs were refused').to.be.greaterThan(0);
    tally('bad inputs tried', scale.propertyRuns);
    tally('bad HTTP requests tried (core)', scale.propertyRuns);
  });

  it('the Lambda users handler answers API Gateway events built from them the same way', async () => {
    const handler = createUsersHandler({ deps: { users: local().users, clock: systemClock, ids: randomIds, logger: silentLogger }, settings });
    const events = fc.tuple(malformedRequests, fc.boolean(), fc.boolean());
    await withoutUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(events, async ([r, v2, base64]) => {
          const body = base64 ? Buffer.from(r.body).toString('base64') : Buffer.from(r.body).toString('latin1');
          const event = v2
            ? { version: '2.0' as const, rawPath: r.path, rawQueryString: r.query, headers: r.headers, body, isBase64Encoded: base64, requestContext: { requestId: randomUUID(), http: { method: r.method } } }
            : {
                version: '1.0' as const,
                path: r.path,
                httpMethod: r.method,
                headers: r.headers,
                multiValueHeaders: null,
                queryStringParameters: Object.fromEntries(new URLSearchParams(r.query)),
                body,
                isBase64Encoded: base64,
                requestContext: { requestId: randomUUID() },
              };
          const result = (await handler(event as never)) as { statusCode: number; headers?: Record<string, string>; body?: string };
          expectSafeAnswer({ status: result.statusCode, contentType: result.headers?.['content-type'], body: result.body }, r);
          // the request as the entry point decoded it, and its answer, against openapi.json
          await checkExchange(httpRequest(event as never), { status: result.statusCode, headers: result.headers ?? {}, body: result.body === '' ? undefined : result.body });
        }),
        runs,
      ),
    );
    tally('bad inputs tried', scale.propertyRuns);
    tally('bad HTTP requests tried (AWS users handler)', scale.propertyRuns);
  });

  describe('Azure users handler on Azurite', () => {
    let azurite: Azurite | undefined;
    before(async function () {
      azurite = await startAzurite();
      if (!azurite) {
        console.warn('      skipped: Azurite is not installed (npm ci installs azurite@3.35.0)');
        this.skip();
      }
      const table = `relhttp${randomUUID().replace(/-/g, '').slice(0, 8)}`;
      await TableClient.fromConnectionString(azurite.connectionString, table, { allowInsecureConnection: true }).createTable();
      useSettings({
        [azureEnvironment.storage.connectionString]: azurite.connectionString,
        [azureEnvironment.users.usersTable]: table,
        // the users function signs uploads and downloads for the images function's containers
        [azureEnvironment.images.originalsContainer]: 'originals',
        [azureEnvironment.images.compressedContainer]: 'compressed',
      }, silentLogger);
    });
    after(async () => {
      await azurite?.stop();
    });

    it('answers @azure/functions requests built from them the same way', async () => {
      let built = 0;
      await withoutUnhandledRejections(() =>
        fc.assert(
          fc.asyncProperty(malformedRequests, async (r) => {
            let request: AzureHttpRequest;
            try {
              // the host builds this object; what it cannot build never reaches the function
              request = new AzureHttpRequest({
                method: r.method,
                url: `http://127.0.0.1:7071${r.path}${r.query ? `?${r.query}` : ''}`,
                headers: r.headers,
                body: { bytes: r.body },
              });
            } catch {
              return;
            }
            built++;
            const context = new InvocationContext({ invocationId: randomUUID(), functionName: 'users', logHandler: () => {} });
            const neutral = await fromHttpRequest(request.clone(), 'check');
            const init = await usersHandler(request, context);
            const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
            expectSafeAnswer({ status: init.status ?? 200, contentType: headers.get('content-type') ?? undefined, body: init.body as string | undefined }, r);
            // the request as the entry point decodes it, and its answer, against openapi.json
            const answer: Record<string, string> = {};
            headers.forEach((v, k) => (answer[k] = v));
            await checkExchange(neutral, { status: init.status ?? 200, headers: answer, body: (init.body as string | undefined) || undefined });
          }),
          runs,
        ),
      );
      expect(built).to.be.greaterThan(scale.propertyRuns / 2);
      tally('bad inputs tried', built);
      tally('bad HTTP requests tried (Azure users handler)', built);
    });
  });

  describe('GCP users function over raw HTTP on the Firestore emulator', () => {
    /** Calls of our function: the users function exactly as adapters/gcp/users.ts builds it, under a test target that counts them. */
    let reached = 0;
    const ours = createUsersFunction(usersRuntime);
    functions.http('reliability-users', (req, res) => {
      reached++;
      return ours(req, res);
    });
    let fn: ServedFunction;
    let deployed: ServedFunction;
    before(async function () {
      const missing = gcpPeersMissing();
      if (missing) {
        console.warn(`      skipped: ${missing}`);
        this.skip();
      }
      await functionsEnv();
      fn = await serveFunction('reliability-users');
      deployed = await serveFunction('users');
    });
    after(async () => {
      await fn?.close();
      await deployed?.close();
    });

    it('answers every request that reaches our function with a 4xx problem+json or a success; the rest is refused before it, as documented', async () => {
      let refusedByNode = 0;
      let answeredByUs = 0;
      const byFramework = new Map<string, number>();
      const tried = Math.min(scale.propertyRuns, 200);
      // Express prints each error page's stack to stderr; counted below instead of printed
      const printError = console.error;
      console.error = () => {};
      try {
        await withoutUnhandledRejections(() =>
          fc.assert(
            fc.asyncProperty(malformedRequests, async (r) => {
              const [requests, calls] = [fn.requests(), reached];
              const answer = await rawExchange(fn.url, r);
              const what = `${r.method} ${r.path.slice(0, 80)} content-type=${r.headers['content-type']} content-encoding=${r.headers['content-encoding']} -> ${answer.status} ${answer.contentType} ${answer.body?.slice(0, 200)}`;
              expect(answer.status, `an answer: ${what}`).to.not.equal(0);
              if (fn.requests() === requests) {
                // Node's HTTP parser refused the bytes (a bad method, request line or header): a bare 400
                expect(answer.status, what).to.be.at.least(400).and.below(500);
                refusedByNode++;
              } else if (reached > calls) {
                expectSafeAnswer(answer, r);
                answeredByUs++;
              } else {
                const refusal = frameworkRefusal(r, answer);
                expect(refusal, `an answer of the Functions Framework that is not documented: ${what}`).to.not.equal(undefined);
                expect(answer.status, what).to.equal(refusal!.status);
                byFramework.set(refusal!.kind, (byFramework.get(refusal!.kind) ?? 0) + 1);
              }
            }),
            { numRuns: tried },
          ),
        );
      } finally {
        console.error = printError;
      }
      const alive = await fetch(`${fn.url}/users?limit=1`);
      expect(alive.status, 'still serving after the run').to.equal(200);
      expect(answeredByUs, 'requests that reached our function').to.be.greaterThan(tried / 4);
      tally('bad inputs tried', tried);
      tally('bad HTTP requests tried (GCP users function)', tried);
      tally('bad HTTP requests refused by Node\'s HTTP parser before the GCP function', refusedByNode);
      tally('bad HTTP requests answered by the GCP function (all problem+json or success)', answeredByUs);
      for (const [kind, n] of byFramework) tally(`bad HTTP requests answered by the Functions Framework before the GCP function: ${kind}`, n);
    });
  });
});

const json = { 'content-type': 'application/json' };
const request = (method: string, path: string, headers: Record<string, string> = {}, body = ''): RawRequest => ({ method, path, query: '', headers, body: new TextEncoder().encode(body) });

/**
 * What the Functions Framework (5.x: Express 5 and body-parser 2, set up in its server.js) answers
 * itself, before our function runs, measured here: an HTML error page (`text/html`, with the
 * error's stack unless NODE_ENV=production), or an empty 404. The request that shows each.
 * - Express's router decodes the path (the `/{*splat}` parameter): a malformed percent-escape
 *   anywhere in it is a 400 `URIError: Failed to decode param`.
 * - body-parser reads every body whose content-type is a valid media type (json for
 *   `application/json` and `application/cloudevents+json`, text for `text/plain`, urlencoded for
 *   forms, raw for any other): an unknown `content-encoding` is a 415, a gzip/deflate/br body that
 *   does not inflate a 400, a JSON body that does not parse (or is not an object or array: strict
 *   mode) a 400 SyntaxError, an unknown charset a 415, a form of more than 1,000 fields a 413.
 * - `/favicon.ico` and `/robots.txt` answer 404 with an empty body (the framework's ignored routes).
 * An invalid content-type is not parsed at all: such a request reaches our function (a 415 of ours).
 */
const frameworkRefusals: { kind: string; status: number; request: RawRequest; page: RegExp }[] = [
  { kind: 'path with a malformed percent-escape (Express router)', status: 400, request: request('GET', '/users/%zz'), page: /^URIError: Failed to decode param/ },
  {
    kind: 'unknown content-encoding (body-parser)',
    status: 415,
    request: request('POST', '/users', { ...json, 'content-encoding': 'x-unknown' }, '{}'),
    page: /^UnsupportedMediaTypeError: unsupported content encoding/,
  },
  {
    kind: 'body that does not inflate (body-parser, zlib)',
    status: 400,
    request: request('POST', '/users', { ...json, 'content-encoding': 'gzip' }, '{"name":"A"}'),
    page: /^Error: (incorrect header check|unexpected end of file|Decompression failed|invalid [a-z ]+|.*(zlib|inflat|compress))/i,
  },
  { kind: 'application/json body that is not JSON (body-parser)', status: 400, request: request('POST', '/users', json, '{"name":'), page: /^SyntaxError: / },
  {
    kind: 'unsupported charset (body-parser)',
    status: 415,
    request: request('POST', '/users', { 'content-type': 'text/plain; charset=x-unknown' }, 'a'),
    page: /^UnsupportedMediaTypeError: unsupported charset/,
  },
  {
    kind: 'form of more than 1,000 fields (body-parser)',
    status: 413,
    request: request('POST', '/users', { 'content-type': 'application/x-www-form-urlencoded' }, Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&')),
    page: /^PayloadTooLargeError: too many parameters/,
  },
  { kind: '/favicon.ico and /robots.txt (the framework\'s ignored routes)', status: 404, request: request('GET', '/favicon.ico'), page: /^$/ },
];

/** Which documented refusal of the framework `answer` is; HEAD answers carry no page, so the request tells. */
function frameworkRefusal(r: RawRequest, answer: { status: number; contentType?: string; body?: string }) {
  const page = htmlText(/<pre>([\s\S]*?)(<br>|<\/pre>)/.exec(answer.body ?? '')?.[1] ?? '');
  if (/^\/(favicon\.ico|robots\.txt)(\?|$)/.test(r.path)) return frameworkRefusals[frameworkRefusals.length - 1];
  if (!/^text\/html/.test(answer.contentType ?? '')) return undefined;
  if (r.method === 'HEAD' && page === '') {
    // the same refusals, without their page: told apart by the request
    if (!isDecodable(r.path)) return frameworkRefusals[0];
    if (r.headers['content-encoding'] === 'x-unknown' && answer.status === 415) return frameworkRefusals[1];
    return answer.status === 400 || answer.status === 415 ? { kind: 'a body refused by body-parser, to a HEAD (no page)', status: answer.status } : undefined;
  }
  return frameworkRefusals.find((f) => f.page.test(page) && f.page.source !== '^$');
}

function htmlText(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .trim();
}

function isDecodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes the request as bytes (no client-side validation) and parses the answer. */
function rawExchange(url: string, r: RawRequest): Promise<{ status: number; contentType?: string; body?: string }> {
  const { port } = new URL(url);
  const head = [
    `${r.method} ${r.path}${r.query ? `?${r.query}` : ''} HTTP/1.1`,
    `host: 127.0.0.1:${port}`,
    ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`),
    `content-length: ${r.body.byteLength}`,
    'connection: close',
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [headText, ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headText)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: ([^\r]*)/i.exec(headText)?.[1];
      let body = rest.join('\r\n\r\n');
      if (/\r\ntransfer-encoding: chunked/i.test(headText)) body = unchunk(body);
      resolve({ status, contentType, body: Buffer.from(body, 'latin1').toString('utf8') });
    });
    // No half-close (socket.end) after the request: Node's server drops a connection whose client
    // has ended while an answer is still pending, which looked like "closed without an answer".
    socket.write(head);
    socket.write(Buffer.from(r.body));
    socket.setTimeout(15_000, () => socket.destroy());
  });
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
