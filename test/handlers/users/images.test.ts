/**
 * The image routes of the users API over the in-memory ObjectUrls: what a client asks for, what
 * it is refused, the key it gets, the listing and the redirect; then who may call them, with real
 * JWTs verified by the core's own policy.
 */
import { expect } from 'chai';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { MemoryObjectUrls } from '../../support/memory';
import { bodyOf, harness, type Harness } from './harness';

const upload = (filename: string, extra: Record<string, unknown> = {}) => ({ filename, content_type: 'image/jpeg', bytes: 1234, ...extra });

async function withAlice(settings = {}, deps = {}): Promise<{ h: Harness; urls: MemoryObjectUrls }> {
  const urls = new MemoryObjectUrls();
  const h = harness(settings, { objectUrls: urls, ...deps });
  for (const id of ['alice', 'alice2', 'bob']) {
    await h.repo.create({ user_id: id, name: id, email: `${id}@example.com`, created_at: 't', updated_at: 't', version: 1 });
  }
  return { h, urls };
}

describe('users API: signed uploads and images', () => {
  describe('POST /users/{id}/uploads', () => {
    it('answers 201 with a key in the user folder, the signed request and its expiry', async () => {
      const { h, urls } = await withAlice();
      const res = await h.call({ method: 'POST', path: '/users/alice/uploads', json: upload('Holiday photo.JPG') });
      expect(res.status, res.body).to.equal(201);
      const body = bodyOf(res);
      expect(body.key).to.match(/^alice\/\d{13}[0-9a-z]{1,8}-Holiday_photo\.JPG$/);
      expect(body.upload).to.deep.include({ method: 'PUT', fields: {} });
      expect(body.expires_at).to.equal('2026-01-02T03:09:05.000Z'); // the clock + uploadUrlSeconds (300)
      const [permit] = urls.permits;
      expect(permit).to.deep.equal({ key: body.key, contentType: 'image/jpeg', maxBytes: 1234, expiresAt: new Date('2026-01-02T03:09:05.000Z') });
      const name = String(body.key).slice('alice/'.length);
      expect(res.headers.location).to.equal(`/users/alice/images/${encodeURIComponent(name)}`);
    });

    it('gives keys that the stores list newest first', async () => {
      const { h } = await withAlice();
      const keys: string[] = [];
      for (const at of ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2026-06-01T00:00:00Z']) {
        h.setNow(at);
        keys.push(String(bodyOf(await h.call({ method: 'POST', path: '/users/alice/uploads', json: upload('a.jpg') })).key));
      }
      expect([...keys].sort()).to.deep.equal([...keys].reverse());
    });

    const refused: [string, Record<string, unknown>, string][] = [
      ['an empty filename', upload(''), 'filename'],
      ['a filename of 101 characters', upload(`${'x'.repeat(97)}.jpg`), 'filename'],
      ['a slash', upload('a/b.jpg'), 'filename'],
      ['a backslash', upload('a\\b.jpg'), 'filename'],
      ['a ".."', upload('..jpg'), 'filename'],
      ['a control character', upload('a\u0000.jpg'), 'filename'],
      ['an extension of another type', upload('a.png'), 'filename'],
      ['no extension', upload('jpg'), 'filename'],
      ['a content type that is not an image we compress', upload('a.gif', { content_type: 'image/gif' }), 'content_type'],
      ['more bytes than the images function takes', upload('a.jpg', { bytes: 50 * 1024 * 1024 + 1 }), 'bytes'],
      ['zero bytes', upload('a.jpg', { bytes: 0 }), 'bytes'],
      ['a fractional size', upload('a.jpg', { bytes: 1.5 }), 'bytes'],
      ['an unknown field', upload('a.jpg', { key: 'bob/x.jpg' }), 'key'],
    ];
    for (const [what, json, field] of refused) {
      it(`refuses ${what} with 422 naming ${field}`, async () => {
        const { h, urls } = await withAlice();
        const res = await h.call({ method: 'POST', path: '/users/alice/uploads', json });
        expect(res.status, res.body).to.equal(422);
        expect(res.headers['content-type']).to.equal('application/problem+json');
        expect((bodyOf(res).errors as { field: string }[]).map((e) => e.field)).to.include(field);
        expect(urls.permits).to.have.length(0);
      });
    }

    it('accepts a filename of exactly 100 characters and .jpeg and .png in any case', async () => {
      const { h } = await withAlice();
      for (const json of [upload(`${'x'.repeat(96)}.jpg`), upload('a.JPEG'), upload('a.Png', { content_type: 'image/png' })]) {
        const res = await h.call({ method: 'POST', path: '/users/alice/uploads', json });
        expect(res.status, res.body).to.equal(201);
      }
    });

    it('answers 404 for a user that does not exist, and signs nothing', async () => {
      const { h, urls } = await withAlice();
      const res = await h.call({ method: 'POST', path: '/users/nobody/uploads', json: upload('a.jpg') });
      expect(res.status).to.equal(404);
      expect(urls.permits).to.have.length(0);
    });

    it('answers 405 with Allow to a GET, 415 to a body that is not JSON', async () => {
      const { h } = await withAlice();
      const get = await h.call({ method: 'GET', path: '/users/alice/uploads' });
      expect(get.status).to.equal(405);
      expect(get.headers.allow).to.equal('POST, OPTIONS');
      const form = await h.call({ method: 'POST', path: '/users/alice/uploads', body: new TextEncoder().encode('a=b'), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(form.status).to.equal(415);
    });

    it('answers 501 where no image store is wired', async () => {
      const h = harness();
      await h.repo.create({ user_id: 'alice', name: 'a', email: 'a@example.com', created_at: 't', updated_at: 't', version: 1 });
      const res = await h.call({ method: 'POST', path: '/users/alice/uploads', json: upload('a.jpg') });
      expect(res.status).to.equal(501);
      expect(res.headers['content-type']).to.equal('application/problem+json');
    });
  });

  describe('GET /users/{id}/images', () => {
    it("lists the user's own copies newest first, with signed URLs and the images function's metadata", async () => {
      const { h, urls } = await withAlice();
      urls.addCopy('compressed/alice/2-old.jpg', { width: '800', height: '600', 'compressed-size': '4567' });
      urls.addCopy('compressed/alice/1-new.jpg', { width: '10', height: '20', 'compressed-size': '30' });
      urls.addCopy('compressed/alice2/1-other.jpg', { width: '1', height: '1', 'compressed-size': '1' });
      urls.addCopy('compressed/bob/1-bob.jpg', { width: '1', height: '1', 'compressed-size': '1' });
      const res = await h.call({ method: 'GET', path: '/users/alice/images' });
      expect(res.status, res.body).to.equal(200);
      const body = bodyOf(res);
      expect(body.images).to.deep.equal([
        { key: 'compressed/alice/1-new.jpg', original_key: 'alice/1-new.jpg', url: 'memory://compressed/compressed/alice/1-new.jpg?expires=2026-01-02T03:19:05.000Z', width: 10, height: 20, bytes: 30, expires_at: '2026-01-02T03:19:05.000Z' },
        { key: 'compressed/alice/2-old.jpg', original_key: 'alice/2-old.jpg', url: 'memory://compressed/compressed/alice/2-old.jpg?expires=2026-01-02T03:19:05.000Z', width: 800, height: 600, bytes: 4567, expires_at: '2026-01-02T03:19:05.000Z' },
      ]);
      expect(body).to.not.have.property('next_cursor');
    });

    it('pages with limit and next_cursor, and refuses a cursor it did not issue', async () => {
      const { h, urls } = await withAlice();
      for (const n of [1, 2, 3]) urls.addCopy(`compressed/alice/${n}.jpg`, {});
      const first = bodyOf(await h.call({ method: 'GET', path: '/users/alice/images', query: { limit: '2' } }));
      expect((first.images as { key: string }[]).map((i) => i.key)).to.deep.equal(['compressed/alice/1.jpg', 'compressed/alice/2.jpg']);
      const second = bodyOf(await h.call({ method: 'GET', path: '/users/alice/images', query: { limit: '2', cursor: String(first.next_cursor) } }));
      expect((second.images as { key: string; width: unknown; bytes: unknown }[]).map((i) => [i.key, i.width, i.bytes])).to.deep.equal([['compressed/alice/3.jpg', null, 1000]]);
      const bobsCursor = Buffer.from('compressed/bob/').toString('base64url');
      const queries: Record<string, string>[] = [{ cursor: bobsCursor }, { cursor: '' }, { limit: '0' }, { limit: '101' }];
      for (const query of queries) {
        expect((await h.call({ method: 'GET', path: '/users/alice/images', query })).status, JSON.stringify(query)).to.equal(400);
      }
    });

    it('answers 404 for an unknown user and a HEAD without a body', async () => {
      const { h } = await withAlice();
      expect((await h.call({ method: 'GET', path: '/users/nobody/images' })).status).to.equal(404);
      const head = await h.call({ method: 'HEAD', path: '/users/alice/images' });
      expect(head.status).to.equal(200);
      expect(head.body).to.equal(undefined);
    });
  });

  describe('GET /users/{id}/images/{name}', () => {
    it('redirects to a signed URL of the copy, uncached', async () => {
      const { h, urls } = await withAlice();
      urls.addCopy('compressed/alice/1-a.jpg', {});
      const res = await h.call({ method: 'GET', path: '/users/alice/images/1-a.jpg' });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal('memory://compressed/compressed/alice/1-a.jpg?expires=2026-01-02T03:19:05.000Z');
      expect(res.headers['cache-control']).to.equal('no-store');
    });

    it('answers 404 problem+json while there is no copy, and for a name deeper than one segment', async () => {
      const { h, urls } = await withAlice();
      urls.addCopy('compressed/bob/1-a.jpg', {});
      for (const path of ['/users/alice/images/1-a.jpg', '/users/alice/images/x/1-a.jpg', '/users/alice/other']) {
        const res = await h.call({ method: 'GET', path });
        expect(res.status, path).to.equal(404);
        expect(res.headers['content-type']).to.equal('application/problem+json');
      }
    });
  });

  describe('authorisation', () => {
    const ISSUER = 'https://issuer.example';
    const AUDIENCE = 'users-api';
    let key: CryptoKey;
    let keys: ReturnType<typeof createLocalJWKSet>;

    before(async () => {
      const pair = await generateKeyPair('ES256');
      key = pair.privateKey;
      keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] });
    });

    const bearer = async (claims: Record<string, unknown>) => ({
      authorization: `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(key)}`,
    });

    const routes = [
      { method: 'POST', path: '/users/alice/uploads', json: upload('a.jpg') },
      { method: 'GET', path: '/users/alice/images' },
      { method: 'GET', path: '/users/alice/images/1-a.jpg' },
    ];

    it("gives another user's token 403 and no token 401 on every route; the owner and an admin get through", async () => {
      const { h, urls } = await withAlice({ jwtIssuer: ISSUER, jwtAudience: AUDIENCE }, { jwtKeys: keys });
      urls.addCopy('compressed/alice/1-a.jpg', {});
      for (const route of routes) {
        expect((await h.call({ ...route, headers: await bearer({ sub: 'bob' }) })).status, `${route.method} ${route.path} as bob`).to.equal(403);
        expect((await h.call({ ...route, headers: await bearer({ sub: 'alice2' }) })).status, `${route.method} ${route.path} as alice2`).to.equal(403);
        expect((await h.call(route)).status, `${route.method} ${route.path} anonymous`).to.equal(401);
        expect((await h.call({ ...route, headers: await bearer({ sub: 'alice' }) })).status, `${route.method} ${route.path} as alice`).to.be.within(200, 302);
        expect((await h.call({ ...route, headers: await bearer({ sub: 'bob', admin: true }) })).status, `${route.method} ${route.path} as admin`).to.be.within(200, 302);
      }
      expect(urls.permits).to.have.length(2);
    });
  });
});
