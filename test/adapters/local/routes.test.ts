/**
 * The local server's routing, in process over a fresh data directory: the users body limit is
 * the core's answer, trailing slashes behave alike on every route, `PUT /stock/{id}` takes only
 * ids an order can name, and the users API answers HEAD through the real HTTP stack.
 */
import { expect } from 'chai';
import { Agent, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalServer } from '../../../adapters/local/server';
import { checkExchange, checkedFetch } from '../../support/openapi-traffic';
import { localHarness, type LocalHarness } from './local-harness';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const ORIGIN = 'https://app.example';

describe('local server routing (in process)', function () {
  this.timeout(30_000);
  let h: LocalHarness;
  let server: Server;
  let base: string;
  let port: number;

  before(async () => {
    h = localHarness({ USERS_CORS_ORIGINS: ORIGIN });
    server = createLocalServer(h.ports);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    h.dispose();
  });

  /**
   * A raw request: `chunks` go out with chunked transfer encoding unless a Content-Length is set.
   * `alone`: on a connection of its own, closed after the answer (for a body that is not sent in
   * full, which would otherwise leave a kept-alive connection expecting the rest).
   */
  function send(method: string, path: string, headers: Record<string, string>, chunks: Buffer[] = [], options: { agent?: Agent; alone?: boolean } = {}): Promise<Answer & { reusedSocket: boolean }> {
    return new Promise((resolve, reject) => {
      const agent = options.alone ? false : options.agent;
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, ...(agent !== undefined ? { agent } : {}) }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          if (options.alone) req.destroy();
          const answer = { status: res.statusCode ?? 0, headers: res.headers, text, reusedSocket: req.reusedSocket };
          // users traffic is checked against openapi.json (test/support/openapi-traffic.ts)
          const flat = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
          const target = new URL(path, base);
          checkExchange(
            { method, path: decodeURIComponent(target.pathname), query: Object.fromEntries(target.searchParams), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body: new Uint8Array(Buffer.concat(chunks)) },
            { status: answer.status, headers: flat, body: text === '' ? undefined : text },
          ).then(() => resolve(answer), reject);
        });
      });
      // the server may answer before it has read everything: that is the point of some tests
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
      for (const c of chunks) req.write(c);
      req.end();
    });
  }

  describe('a users body over the limit is answered by the core', () => {
    const limit = 64 * 1024;
    const jsonHeaders = { 'content-type': 'application/json', origin: ORIGIN };
    const body = (size: number) => {
      const prefix = '{"name":"';
      const suffix = '","email":"big@example.com"}';
      return Buffer.from(prefix + 'x'.repeat(size - prefix.length - suffix.length) + suffix);
    };

    function expectCore413(res: Answer, received: RegExp) {
      expect(res.status).to.equal(413);
      expect(res.headers['content-type']).to.equal('application/problem+json');
      // the core's answer: CORS headers and instance, which the server's own refusal lacked
      expect(res.headers['access-control-allow-origin']).to.equal(ORIGIN);
      const problem = JSON.parse(res.text) as Record<string, unknown>;
      expect(problem).to.include({ status: 413, title: 'Content Too Large', instance: '/users' });
      expect(String(problem.detail)).to.match(received).and.to.match(/at most 65536 are accepted/);
      // not the server's own refusal, which named a limit one byte too high
      expect(String(problem.detail)).to.not.match(/limit is/);
    }

    it('with a Content-Length over the limit', async () => {
      const bytes = body(limit + 1);
      const res = await send('POST', '/users', { ...jsonHeaders, 'content-length': String(bytes.length) }, [bytes]);
      expectCore413(res, /the body is 65537 bytes/);
    });

    it('with a Content-Length far over the limit, without reading the body', async () => {
      // only the first bytes are sent: the answer must come from the header alone
      const res = await send('POST', '/users', { ...jsonHeaders, 'content-length': String(10 * 1024 * 1024) }, [Buffer.from('{"name":"')], { alone: true });
      expectCore413(res, /the body is 10485760 bytes/);
    });

    it('chunked, without a Content-Length, cut after limit + 1 bytes however much more comes', async () => {
      const chunk = Buffer.alloc(64 * 1024, 0x78);
      const res = await send('POST', '/users', { ...jsonHeaders, 'transfer-encoding': 'chunked' }, [Buffer.from('{"name":"'), ...Array.from({ length: 16 }, () => chunk)]);
      expectCore413(res, /the body is at least 65537 bytes/);
    });

    it('takes a body of exactly the limit (it is the core that judges, with no off-by-one)', async () => {
      const bytes = body(limit);
      const res = await send('POST', '/users', { ...jsonHeaders, 'transfer-encoding': 'chunked' }, [bytes.subarray(0, 1000), bytes.subarray(1000)]);
      // not 413: read whole and judged on its fields (a 65 KB name is too long)
      expect(res.status).to.equal(422);
    });

    it('keeps the connection usable after a refused chunked body: the rest is read off and dropped', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const chunk = Buffer.alloc(200 * 1024, 0x78);
        expect((await send('POST', '/users', { ...jsonHeaders, 'transfer-encoding': 'chunked' }, [chunk, chunk], { agent })).status).to.equal(413);
        const ok = await send('POST', '/users', jsonHeaders, [Buffer.from('{"name":"Ada","email":"ada-after@example.com"}')], { agent });
        expect(ok.status).to.equal(201);
        expect(ok.reusedSocket, 'the same kept-alive connection').to.equal(true);
      } finally {
        agent.destroy();
      }
    });
  });

  describe('trailing slashes', () => {
    for (const [path, key] of [
      ['/dead-letters', 'dead_letters'],
      ['/payments', 'payments'],
      ['/events', 'events'],
      ['/queues', 'queues'],
      ['/orders', 'orders'],
      ['/stock', 'stock'],
    ] as const) {
      it(`${path}/ answers as ${path}`, async () => {
        const plain = await fetch(`${base}${path}`);
        const slashed = await fetch(`${base}${path}/`);
        expect(plain.status).to.equal(200);
        expect(slashed.status).to.equal(200);
        expect(Object.keys((await slashed.json()) as object)).to.include(key);
        await plain.body?.cancel();
      });
    }

    it('anything below a feed is still unknown', async () => {
      for (const path of ['/payments/x', '/queues//', '/events/a/b']) {
        const res = await fetch(`${base}${path}`);
        expect(res.status, path).to.equal(404);
        expect(res.headers.get('content-type')).to.equal('application/problem+json');
      }
    });
  });

  describe('PUT /stock/{id} takes the ids an order can name', () => {
    for (const id of ['bad id', 'a/b', '-leading-dash', '_underscore-first', 'x'.repeat(129), 'café', 'semi;colon']) {
      it(`refuses ${JSON.stringify(id.length > 20 ? `${id.slice(0, 10)}... (${id.length})` : id)} with 422 problem+json, storing nothing`, async () => {
        const res = await fetch(`${base}/stock/${encodeURIComponent(id)}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ quantity: 1 }),
        });
        expect(res.status).to.equal(422);
        expect(res.headers.get('content-type')).to.equal('application/problem+json');
        const problem = (await res.json()) as { status: number; detail: string };
        expect(problem.status).to.equal(422);
        expect(problem.detail).to.match(/^product_id .*: must /);
        expect(await h.ports.ledger.getStock(id)).to.equal(undefined);
      });
    }

    it('takes the ids the order parser takes', async () => {
      for (const id of ['espresso-beans-1kg', 'A1', 'sku:42.b_c', 'x'.repeat(128)]) {
        const res = await fetch(`${base}/stock/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 3 }) });
        expect(res.status, id).to.equal(200);
        expect(await h.ports.ledger.getStock(id)).to.equal(3);
      }
    });
  });

  it('answers HEAD on /users/{id} through the HTTP stack: the GET headers, ETag included, no body', async () => {
    const created = await checkedFetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Hedy', email: 'hedy@example.com' }) });
    const location = created.headers.get('location')!;
    const head = await send('HEAD', location, {});
    expect(head.status).to.equal(200);
    expect(head.headers.etag).to.equal('"v1"');
    expect(head.headers['content-type']).to.equal('application/json');
    expect(head.text).to.equal('');
  });
});
