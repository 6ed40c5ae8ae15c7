/**
 * Bad input over HTTP: malformed requests (bodies, headers, paths, encodings, sizes) through the
 * users core and through every cloud's users entry point: API Gateway events into the Lambda
 * handler, @azure/functions requests into the Azure handler on Azurite, and raw bytes over a
 * socket into the Functions Framework server on the Firestore emulator. Never a 5xx, a crash or
 * an unhandled rejection; every error is a 4xx problem+json.
 */
import { HttpRequest as AzureHttpRequest, InvocationContext } from '@azure/functions';
import { TableClient } from '@azure/data-tables';
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { createUsersHandler } from '../../adapters/aws/users';
import { azureEnvironment } from '../../adapters/azure/environment';
import { usersHandler } from '../../adapters/azure/users';
import { useSettings } from '../../adapters/azure/wiring';
import { createUsersApi } from '../../handlers/users';
import { systemClock } from '../../handlers/ports/clock';
import { randomIds } from '../../handlers/ports/ids';
import { silentLogger } from '../../handlers/ports/logger';
import { readSettings } from '../../handlers/settings';
import { usersSpec } from '../../handlers/specs';
// registers the `users` target of the Functions Framework
import '../../adapters/gcp/users';
import { functionsEnv } from '../adapters/gcp/support/functions-env';
import { serveFunction, type ServedFunction } from '../adapters/gcp/support/serve';
import { startAzurite, type Azurite } from '../support/azure-peers';
import { gcpPeersMissing } from '../support/gcp-peers';
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
          const answer = await api({ method: r.method, path: decodedPath(r.path), query, headers: r.headers, body: r.body });
          if (expectSafeAnswer({ status: answer.status, contentType: answer.headers['content-type'], body: answer.body }, r)) errors++;
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
      useSettings({ [azureEnvironment.storage.connectionString]: azurite.connectionString, [azureEnvironment.users.usersTable]: table }, silentLogger);
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
            const init = await usersHandler(request, context);
            const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
            expectSafeAnswer({ status: init.status ?? 200, contentType: headers.get('content-type') ?? undefined, body: init.body as string | undefined }, r);
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
    let fn: ServedFunction;
    before(async function () {
      const missing = gcpPeersMissing();
      if (missing) {
        console.warn(`      skipped: ${missing}`);
        this.skip();
      }
      await functionsEnv();
      fn = await serveFunction('users');
    });
    after(async () => {
      await fn?.close();
    });

    it('answers raw requests written on a socket the same way, or Node refuses them before the function', async () => {
      let refusedByServer = 0;
      let frameworkHtml = 0;
      let closedWithoutAnswer = 0;
      // Express prints each error page's stack to stderr; counted below instead of printed
      const printError = console.error;
      console.error = () => {};
      try {
        await withoutUnhandledRejections(() =>
          fc.assert(
            fc.asyncProperty(malformedRequests, async (r) => {
              const before = fn.requests();
              const answer = await rawExchange(fn.url, r);
              if (fn.requests() === before) {
                // Node's HTTP parser refused the bytes (a bad request line or header): a bare 4xx
                expect(answer.status, `${r.method} ${r.path.slice(0, 60)}`).to.be.at.least(400).and.below(500);
                refusedByServer++;
                return;
              }
              if (answer.status === 0) {
                // the server closed the connection without an answer (a body it could not inflate);
                // the next request proves it is still serving
                closedWithoutAnswer++;
                return;
              }
              // the users core never answers text/html: such a page comes from the framework's Express
              if (/^text\/html/.test(answer.contentType ?? '')) {
                // FINDING (reported to the GCP adapter's owner): the Functions Framework parses
                // bodies and paths itself (body-parser: JSON, charset, content-encoding; the router:
                // percent-decoding) and answers a malformed or oversized one with Express's HTML error
                // page, stack trace included, before the function runs: a 4xx, not problem+json
                expect(answer.status, answer.body).to.be.oneOf([400, 413, 415]);
                frameworkHtml++;
                return;
              }
              expectSafeAnswer(answer, r);
            }),
            { numRuns: Math.min(scale.propertyRuns, 200) },
          ),
        );
      } finally {
        console.error = printError;
      }
      tally('bad inputs tried', Math.min(scale.propertyRuns, 200));
      tally('bad HTTP requests tried (GCP users function)', Math.min(scale.propertyRuns, 200));
      tally('bad HTTP requests refused by the HTTP server before the GCP function', refusedByServer);
      const alive = await fetch(`${fn.url}/users?limit=1`);
      expect(alive.status, 'still serving after the run').to.equal(200);
      tally('bad HTTP requests the GCP server closed without an answer', closedWithoutAnswer);
      tally('bad HTTP requests answered with an HTML page by the Functions Framework body parser (GCP)', frameworkHtml);
    });
  });
});

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
    socket.write(head);
    socket.end(Buffer.from(r.body));
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
