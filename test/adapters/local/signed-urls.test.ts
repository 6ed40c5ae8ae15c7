/**
 * The local `/signed/` endpoint as a browser would use it (plain fetch, no SDK), on the real
 * server over a fresh data directory: a signed upload lands and queues the images function; an
 * expired, tampered, re-targeted, oversize or mistyped one is refused before anything is stored.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import { silentLogger } from '../../../handlers/ports/logger';
import { createLocalServer } from '../../../adapters/local/server';
import { SIGNING_KEY_FILE } from '../../../adapters/local/signing-key';
import { signPath } from '../../../adapters/local/signed-urls';
import { wireLocal } from '../../../adapters/local/wiring';
import { imageFixture } from '../../support/fixtures';
import { freePort } from '../../support/processes';
import { localHarness, type LocalHarness } from './local-harness';
import { answerOf, safeList, type Answer } from './raw-http';

const JPEG = imageFixture('exif-orientation-Landscape_1.jpg');
const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);

describe('local signed uploads and downloads', () => {
  let h: LocalHarness;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    h = localHarness({ USERS_CORS_ORIGINS: 'https://app.example' }, port);
    server = createLocalServer(h.ports);
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    h.dispose();
  });

  const permit = (key = 'alice/1-a.jpg', extra: Partial<{ maxBytes: number; contentType: string; expiresAt: Date }> = {}) =>
    h.ports.objectUrls.signUpload({ key, contentType: 'image/jpeg', maxBytes: JPEG.length, expiresAt: minutesFromNow(5), ...extra });
  const put = (url: string, body: Buffer = JPEG, contentType = 'image/jpeg') => fetch(url, { method: 'PUT', body, headers: { 'content-type': contentType } });

  it('stores a signed upload sent as a plain PUT and queues the images function for it', async () => {
    const upload = await permit();
    expect(upload).to.deep.include({ method: 'PUT', headers: { 'content-type': 'image/jpeg' }, fields: {} });
    expect(upload.url.startsWith(`${base}/signed/originals/alice/1-a.jpg?`)).to.equal(true);
    const res = await put(upload.url);
    expect(res.status, await res.clone().text()).to.equal(201);
    const stored = await h.ports.blobs.get('originals', 'alice/1-a.jpg');
    expect(Buffer.from(stored!.bytes).equals(JPEG)).to.equal(true);
    expect(stored!.contentType).to.equal('image/jpeg');
    expect(h.ports.queue('images').depth().waiting).to.equal(1);
  });

  const refusals: [string, () => Promise<Response>, number][] = [
    ['an expired upload', async () => put((await permit('alice/1-a.jpg', { expiresAt: new Date(Date.now() - 1000) })).url), 403],
    ['a later expiry than was signed', async () => {
      const url = new URL((await permit()).url);
      url.searchParams.set('X-Expires', String(Number(url.searchParams.get('X-Expires')) + 3600));
      return put(url.href);
    }, 403],
    ['a larger size than was signed', async () => {
      const url = new URL((await permit('alice/1-a.jpg', { maxBytes: 10 })).url);
      url.searchParams.set('X-Max-Bytes', String(JPEG.length));
      return put(url.href);
    }, 403],
    ['another key with the same signature', async () => put((await permit()).url.replace('/alice/1-a.jpg?', '/bob/1-a.jpg?')), 403],
    ['a signature made with another key', async () => {
      const path = signPath(Buffer.alloc(32, 7), { method: 'PUT', bucket: 'originals', key: 'alice/1-a.jpg', expires: Math.floor(Date.now() / 1000) + 300, maxBytes: JPEG.length, contentType: 'image/jpeg' });
      return put(`${base}${path}`);
    }, 403],
    ['no signature', async () => put(`${base}/signed/originals/alice/1-a.jpg`), 403],
    ['a body over the signed size', async () => put((await permit('alice/1-a.jpg', { maxBytes: JPEG.length - 1 })).url), 413],
    ['another content type', async () => put((await permit()).url, JPEG, 'image/png'), 403],
    ['a download URL used to upload', async () => put(await h.ports.objectUrls.signDownload('alice/1-a.jpg', minutesFromNow(5))), 405],
  ];
  for (const [what, send, status] of refusals) {
    it(`refuses ${what} with ${status}, storing nothing`, async () => {
      const res = await send();
      expect(res.status, await res.clone().text()).to.equal(status);
      expect(res.headers.get('content-type')).to.equal('application/problem+json');
      expect(await h.ports.blobs.head('originals', 'alice/1-a.jpg')).to.equal(undefined);
      expect(await h.ports.blobs.head('originals', 'bob/1-a.jpg')).to.equal(undefined);
      expect(h.ports.queue('images').depth().waiting).to.equal(0);
    });
  }

  it('creates only: a second upload to the same key is refused with 409', async () => {
    const upload = await permit();
    expect((await put(upload.url)).status).to.equal(201);
    expect((await put(upload.url)).status).to.equal(409);
  });

  it('serves a compressed copy through a signed GET, and refuses an expired or re-targeted one', async () => {
    await h.ports.blobs.put('compressed', 'compressed/alice/1-a.jpg', JPEG, { contentType: 'image/jpeg', metadata: {} });
    const url = await h.ports.objectUrls.signDownload('compressed/alice/1-a.jpg', minutesFromNow(5));
    const ok = await fetch(url);
    expect(ok.status).to.equal(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(JPEG)).to.equal(true);
    expect((await fetch(url.replace('/alice/', '/bob/'))).status).to.equal(403);
    expect((await fetch(await h.ports.objectUrls.signDownload('compressed/alice/1-a.jpg', new Date(Date.now() - 1000)))).status).to.equal(403);
  });

  it('answers a CORS preflight for the listed origin with PUT only, and refuses another origin', async () => {
    const url = (await permit()).url;
    const ok = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT' } });
    expect(ok.status).to.equal(204);
    expect(ok.headers.get('access-control-allow-origin')).to.equal('https://app.example');
    expect(ok.headers.get('access-control-allow-methods')).to.equal('PUT');
    const other = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' } });
    expect(other.status).to.equal(403);
  });

  it('keeps its signing key in the data directory, private, across restarts', () => {
    const file = join(h.dataDir, SIGNING_KEY_FILE);
    expect(statSync(file).mode & 0o077).to.equal(0);
    const again = wireLocal({ dataDir: h.dataDir, env: {} }, silentLogger);
    try {
      expect(again.signingKey.equals(h.ports.signingKey)).to.equal(true);
      expect(readFileSync(file, 'utf8')).to.match(/^[0-9a-f]{64}$/);
    } finally {
      again.close();
    }
  });
});

describe('local signed uploads under load: the upload bound and a race for one key', () => {
  let h: LocalHarness;
  let server: Server;
  let port: number;

  beforeEach(async () => {
    port = await freePort();
    h = localHarness({}, port);
    server = createLocalServer(h.ports, { maxConcurrentUploads: 2 });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    h.dispose();
  });

  /** A signed PUT whose body is held open after its first bytes, until the test ends it. */
  async function heldUpload(key: string, size: number): Promise<{ answer: Promise<Answer>; finish(rest: Buffer): void }> {
    const url = new URL((await h.ports.objectUrls.signUpload({ key, contentType: 'image/jpeg', maxBytes: size, expiresAt: minutesFromNow(5) })).url);
    const req = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: url.pathname + url.search, headers: { 'content-type': 'image/jpeg' }, agent: false });
    const answer = answerOf(req);
    req.write(JPEG.subarray(0, 1024));
    return { answer, finish: (rest) => req.end(rest) };
  }

  /** Waits until `count` uploads are being written to temporary files in the originals folder. */
  async function storing(count: number): Promise<void> {
    const folder = join(h.dataDir, 'buckets', 'originals');
    for (let i = 0; i < 500 && safeList(folder).filter((n) => n.startsWith('.tmp-')).length < count; i++) await new Promise((r) => setTimeout(r, 10));
    expect(safeList(folder).filter((n) => n.startsWith('.tmp-')), 'uploads being stored').to.have.length(count);
  }

  it('streams signed uploads within the server\'s upload slots: one more is answered 503 problem+json with Retry-After', async () => {
    const first = await heldUpload('alice/1-a.jpg', JPEG.length);
    const second = await heldUpload('alice/2-b.jpg', JPEG.length);
    await storing(2);
    const third = (await h.ports.objectUrls.signUpload({ key: 'alice/3-c.jpg', contentType: 'image/jpeg', maxBytes: JPEG.length, expiresAt: minutesFromNow(5) })).url;
    const refused = await fetch(third, { method: 'PUT', body: JPEG, headers: { 'content-type': 'image/jpeg' } });
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('content-type')).to.equal('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).to.be.at.least(1);
    expect(await h.ports.blobs.head('originals', 'alice/3-c.jpg'), 'the refused upload stored nothing').to.equal(undefined);
    first.finish(JPEG.subarray(1024));
    second.finish(JPEG.subarray(1024));
    expect((await first.answer).status).to.equal(201);
    expect((await second.answer).status).to.equal(201);
    expect(h.ports.queue('images').depth().waiting).to.equal(2);
  });

  it('stores exactly one of two signed uploads racing for one key: the other gets 409 and queues nothing', async () => {
    const a = await heldUpload('alice/1-a.jpg', JPEG.length);
    const b = await heldUpload('alice/1-a.jpg', JPEG.length);
    await storing(2); // both got past the check made before the body is read
    a.finish(JPEG.subarray(1024));
    expect((await a.answer).status).to.equal(201);
    b.finish(JPEG.subarray(1024));
    const late = await b.answer;
    expect(late.status, late.text).to.equal(409);
    expect(late.headers['content-type']).to.equal('application/problem+json');
    expect(h.ports.queue('images').depth().waiting, 'one object-created event').to.equal(1);
    expect(safeList(join(h.dataDir, 'buckets', 'originals')).filter((n) => n.startsWith('.tmp-')), 'no temporary file left').to.deep.equal([]);
  });
});
