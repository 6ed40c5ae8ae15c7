/**
 * The JWT policy with real tokens: jose signs them, and a real JWKS is served over HTTP on
 * 127.0.0.1, so the remote key set path (fetch, cache, unknown kid) is the one exercised.
 */
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { CompactSign, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { freePort } from '../../support/processes';
import { bodyOf, created, harness, type Harness } from './harness';

const AUDIENCE = 'users-api';

describe('users API: authorisation', () => {
  let server: Server;
  let issuer: string;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  const jwksPaths: string[] = [];

  before(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((req, res) => {
      jwksPaths.push(req.url ?? '');
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function token(claims: Record<string, unknown>, options: { iss?: string; aud?: string; exp?: number | string; signWith?: CryptoKey; kid?: string } = {}) {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'k1' })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.signWith ?? key);
  }
  const bearer = async (claims: Record<string, unknown>, options = {}) => ({ authorization: `Bearer ${await token(claims, options)}` });

  /** A token whose claims set is exactly `json` (issuer and audience added): for claims SignJWT will not write. */
  async function rawBearer(json: string): Promise<Record<string, string>> {
    const claims = `{"iss":${JSON.stringify(issuer)},"aud":${JSON.stringify(AUDIENCE)},"sub":"alice",${json}}`;
    const jws = await new CompactSign(new TextEncoder().encode(claims)).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key);
    return { authorization: `Bearer ${jws}` };
  }
  const now = () => Math.floor(Date.now() / 1000);

  /** Records are always stamped by the clock (ISO 8601), as openapi.json says. */
  const SEEDED = '2026-01-01T00:00:00.000Z';
  async function secured(): Promise<Harness> {
    const h = harness({ jwtIssuer: issuer, jwtAudience: AUDIENCE });
    await h.repo.create({ user_id: 'alice', name: 'Alice', email: 'alice@example.com', created_at: SEEDED, updated_at: SEEDED, version: 1 });
    await h.repo.create({ user_id: 'bob', name: 'Bob', email: 'bob@example.com', created_at: SEEDED, updated_at: SEEDED, version: 1 });
    return h;
  }

  it('fetches the key set from <issuer>/.well-known/jwks.json and lets a caller read its own record', async () => {
    const h = await secured();
    const before = jwksPaths.length;
    const res = await h.call({ method: 'GET', path: '/users/alice', headers: await bearer({ sub: 'alice' }) });
    expect(res.status).to.equal(200);
    expect(bodyOf(res).user_id).to.equal('alice');
    expect(jwksPaths.slice(before)).to.deep.equal(['/.well-known/jwks.json']);
  });

  it('lets a caller change and delete its own record', async () => {
    const h = await secured();
    const headers = await bearer({ sub: 'alice' });
    expect((await h.call({ method: 'PATCH', path: '/users/alice', headers, json: { name: 'Al' } })).status).to.equal(200);
    expect((await h.call({ method: 'PUT', path: '/users/alice', headers, json: { name: 'Al', email: 'al@example.com' } })).status).to.equal(200);
    expect((await h.call({ method: 'DELETE', path: '/users/alice', headers })).status).to.equal(204);
  });

  it("refuses another user's record with 403 for every method, changing nothing", async () => {
    const h = await secured();
    const headers = await bearer({ sub: 'alice' });
    for (const [method, json] of [['GET'], ['PUT', { name: 'X', email: 'x@example.com' }], ['PATCH', { name: 'X' }], ['DELETE']] as const) {
      const res = await h.call({ method, path: '/users/bob', headers, json });
      expect(res.status, method).to.equal(403);
      expect(res.headers['content-type']).to.equal('application/problem+json');
    }
    expect(await h.repo.get('bob')).to.include({ name: 'Bob', version: 1 });
  });

  it('listing needs the admin claim; creating under a generated id too', async () => {
    const h = await secured();
    const plain = await bearer({ sub: 'alice' });
    expect((await h.call({ method: 'GET', path: '/users', headers: plain })).status).to.equal(403);
    expect((await h.call({ method: 'HEAD', path: '/users', headers: plain })).status).to.equal(403);
    for (const admin of [true, 'true']) {
      const headers = await bearer({ sub: 'root', admin });
      expect(bodyOf(await h.call({ method: 'GET', path: '/users', headers })).count, String(admin)).to.be.at.least(2);
    }
    const adminHeaders = await bearer({ sub: 'root', admin: true });
    const byAdmin = await h.call({ method: 'POST', path: '/users', headers: adminHeaders, json: { name: 'C', email: 'c@example.com' } });
    expect(byAdmin.status).to.equal(201);
    // an administrator creates records for others: the generated id, not its own sub
    expect(bodyOf(byAdmin).user_id).to.equal('u0001');
    expect(byAdmin.headers.location).to.equal('/users/u0001');
    expect(await h.repo.get('root')).to.equal(undefined);
    expect((await h.call({ method: 'GET', path: '/users/bob', headers: adminHeaders })).status).to.equal(200);
    expect((await h.call({ method: 'GET', path: '/users', headers: await bearer({ sub: 'x', admin: 'yes' }) })).status).to.equal(403);
  });

  describe('a caller creating its own record', () => {
    it('POST /users without the admin claim creates the record under its sub, which it can then use', async () => {
      const h = await secured();
      const headers = await bearer({ sub: 'carol' });
      const res = await h.call({ method: 'POST', path: '/users', headers, json: { name: 'Carol', email: 'carol@example.com' } });
      expect(res.status).to.equal(201);
      expect(bodyOf(res)).to.include({ user_id: 'carol', name: 'Carol', email: 'carol@example.com', version: 1 });
      expect(res.headers).to.include({ location: '/users/carol', etag: '"v1"' });
      expect(await h.repo.get('carol')).to.include({ user_id: 'carol', name: 'Carol' });
      // the own-record rule is now reachable: read, change and delete it with the same token
      expect((await h.call({ method: 'GET', path: '/users/carol', headers })).status).to.equal(200);
      expect((await h.call({ method: 'PATCH', path: '/users/carol', headers, json: { name: 'Caz' } })).status).to.equal(200);
      expect((await h.call({ method: 'DELETE', path: '/users/carol', headers })).status).to.equal(204);
    });

    it('answers 409 problem+json when its record exists already, changing nothing', async () => {
      const h = await secured();
      const res = await h.call({ method: 'POST', path: '/users', headers: await bearer({ sub: 'alice' }), json: { name: 'Other', email: 'other@example.com' } });
      expect(res.status).to.equal(409);
      expect(res.headers['content-type']).to.equal('application/problem+json');
      expect(bodyOf(res)).to.include({ status: 409, title: 'Conflict', instance: '/users' });
      expect(bodyOf(res).detail).to.match(/alice already exists/);
      expect(await h.repo.get('alice')).to.include({ name: 'Alice', email: 'alice@example.com', version: 1 });
      expect((await h.repo.list({ limit: 10 })).users).to.have.length(2);
    });

    it('answers 409 for an email another record holds', async () => {
      const h = await secured();
      const res = await h.call({ method: 'POST', path: '/users', headers: await bearer({ sub: 'dave' }), json: { name: 'Dave', email: 'bob@example.com' } });
      expect(res.status).to.equal(409);
      expect(await h.repo.get('dave')).to.equal(undefined);
    });

    it('percent-encodes a sub with reserved characters in Location', async () => {
      const h = await secured();
      const headers = await bearer({ sub: 'auth0|42 x' });
      const res = await h.call({ method: 'POST', path: '/users', headers, json: { name: 'Ext', email: 'ext@example.com' } });
      expect(res.status).to.equal(201);
      expect(res.headers.location).to.equal('/users/auth0%7C42%20x');
      expect((await h.call({ method: 'GET', path: '/users/auth0|42 x', headers })).status).to.equal(200);
    });

    it('works with platform-verified claims as with a bearer token', async () => {
      const h = await secured();
      const res = await h.call({ method: 'POST', path: '/users', verifiedClaims: { sub: 'erin' }, json: { name: 'Erin', email: 'erin@example.com' } });
      expect(res.status).to.equal(201);
      expect(bodyOf(res).user_id).to.equal('erin');
    });

    for (const [what, claims] of [
      ['no sub', {}],
      ['an empty sub', { sub: '' }],
      ['a sub with a slash (its record could never be addressed)', { sub: 'a/b' }],
      ['a sub with a control character', { sub: 'a\u0000b' }],
      ['a sub of 256 characters', { sub: 'x'.repeat(256) }],
      ['a sub of ".."', { sub: '..' }],
    ] as const) {
      it(`refuses ${what} with 403, creating nothing`, async () => {
        const h = await secured();
        const res = await h.call({ method: 'POST', path: '/users', headers: await bearer(claims), json: { name: 'Z', email: 'z@example.com' } });
        expect(res.status).to.equal(403);
        expect(res.headers['content-type']).to.equal('application/problem+json');
        expect((await h.repo.list({ limit: 10 })).users).to.have.length(2);
      });
    }
  });

  it('with no issuer configured, POST keeps the generated id whatever token comes along', async () => {
    const h = harness();
    const res = await h.call({ method: 'POST', path: '/users', headers: await bearer({ sub: 'carol' }), json: { name: 'Carol', email: 'carol@example.com' } });
    expect(res.status).to.equal(201);
    expect(bodyOf(res).user_id).to.equal('u0001');
  });

  it('uses the configured admin claim name', async () => {
    const h = harness({ jwtIssuer: issuer, jwtAudience: AUDIENCE, adminClaim: 'users:admin' });
    expect((await h.call({ method: 'GET', path: '/users', headers: await bearer({ sub: 'x', admin: true }) })).status).to.equal(403);
    expect((await h.call({ method: 'GET', path: '/users', headers: await bearer({ sub: 'x', 'users:admin': true }) })).status).to.equal(200);
  });

  const refused: [string, () => Promise<Record<string, string>>, string][] = [
    ['no Authorization header', async () => ({}), 'Bearer realm="users"'],
    ['a Basic credential', async () => ({ authorization: 'Basic YWxpY2U6c2VjcmV0' }), 'Bearer realm="users"'],
    ['an expired token', () => bearer({ sub: 'alice' }, { exp: Math.floor(Date.now() / 1000) - 600 }), 'Bearer realm="users", error="invalid_token"'],
    ['a wrong audience', () => bearer({ sub: 'alice' }, { aud: 'another-api' }), 'Bearer realm="users", error="invalid_token"'],
    ['a wrong issuer', () => bearer({ sub: 'alice' }, { iss: 'https://evil.example' }), 'Bearer realm="users", error="invalid_token"'],
    ['a token signed by another key with the same kid', () => bearer({ sub: 'alice' }, { signWith: otherKey }), 'Bearer realm="users", error="invalid_token"'],
    ['a token whose kid is not in the key set', () => bearer({ sub: 'alice' }, { kid: 'k9' }), 'Bearer realm="users", error="invalid_token"'],
    ['garbage', async () => ({ authorization: 'Bearer not.a.jwt' }), 'Bearer realm="users", error="invalid_token"'],
  ];
  // issue 19, defect 5: the clock rules (exp required, age and lifetime at most a day, 60 s of skew)
  refused.push(
    ['a token without exp', () => rawBearer(`"iat":${now()}`), 'Bearer realm="users", error="invalid_token"'],
    ['a token with exp 1e400', () => rawBearer(`"iat":${now()},"exp":1e400`), 'Bearer realm="users", error="invalid_token"'],
    ['a token issued a year in the future', () => rawBearer(`"iat":${now() + 365 * 86400},"exp":${now() + 365 * 86400 + 300}`), 'Bearer realm="users", error="invalid_token"'],
    ['a token without iat', () => rawBearer(`"exp":${now() + 300}`), 'Bearer realm="users", error="invalid_token"'],
    ['a token issued two days ago, not yet expired', () => rawBearer(`"iat":${now() - 2 * 86400},"exp":${now() + 300}`), 'Bearer realm="users", error="invalid_token"'],
    ['a token that expires in thirty days', () => rawBearer(`"iat":${now()},"exp":${now() + 30 * 86400}`), 'Bearer realm="users", error="invalid_token"'],
  );
  for (const [name, headers, challenge] of refused) {
    it(`401 with WWW-Authenticate for ${name}`, async () => {
      const h = await secured();
      const res = await h.call({ method: 'GET', path: '/users/alice', headers: await headers() });
      expect(res.status).to.equal(401);
      expect(res.headers['www-authenticate']).to.equal(challenge);
      expect(res.headers['content-type']).to.equal('application/problem+json');
      expect(bodyOf(res)).to.include({ status: 401, title: 'Unauthorized' });
    });
  }

  it('allows a minute of clock skew: a token expired 30 s ago, or issued 30 s "in the future"', async () => {
    const h = await secured();
    for (const headers of [await rawBearer(`"iat":${now() - 600},"exp":${now() - 30}`), await rawBearer(`"iat":${now() + 30},"exp":${now() + 330}`)]) {
      const res = await h.call({ method: 'GET', path: '/users/alice', headers });
      expect(res.status, res.body).to.equal(200);
    }
  });

  it('trusts platform-verified claims instead of a bearer token', async () => {
    const h = await secured();
    expect((await h.call({ method: 'GET', path: '/users/alice', verifiedClaims: { sub: 'alice' } })).status).to.equal(200);
    expect((await h.call({ method: 'GET', path: '/users/bob', verifiedClaims: { sub: 'alice' } })).status).to.equal(403);
    expect((await h.call({ method: 'GET', path: '/users', verifiedClaims: { sub: 'r', admin: true } })).status).to.equal(200);
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    const closed = await freePort();
    const h = harness({ jwtIssuer: issuer, jwtAudience: AUDIENCE, jwksUrl: `http://127.0.0.1:${closed}/keys` });
    const res = await h.call({ method: 'GET', path: '/users/alice', headers: await bearer({ sub: 'alice' }) });
    expect(res.status).to.equal(503);
    expect(res.headers['content-type']).to.equal('application/problem+json');
  });

  it('allows everything with no issuer configured (local use)', async () => {
    const h = harness();
    await created(h, 'Ada', 'ada@example.com');
    expect((await h.call({ method: 'GET', path: '/users' })).status).to.equal(200);
    expect((await h.call({ method: 'DELETE', path: '/users/u0001' })).status).to.equal(204);
  });

  it('refuses an issuer without an audience at start-up', () => {
    expect(() => harness({ jwtIssuer: issuer })).to.throw(/jwtAudience/);
  });
});
