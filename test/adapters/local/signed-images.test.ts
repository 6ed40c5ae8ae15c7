/**
 * End to end on the local runtime (`adapters/local/main.ts` in a child process, as `npm start`
 * runs it) with JWT authorisation on: a user asks for an upload, uploads with the signed request
 * alone, waits for the compressed copy, lists it and downloads it through its URL; another user's
 * token is refused on every route, and an expired URL is refused by the store.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import sharp from 'sharp';
import { SIGNING_KEY_FILE } from '../../../adapters/local/signing-key';
import { signPath } from '../../../adapters/local/signed-urls';
import { imageFixture } from '../../support/fixtures';
import { freePort } from '../../support/processes';
import { eventually, startLocalServer, type LocalServer } from './local-server';

const AUDIENCE = 'users-api';

interface Listed {
  key: string;
  original_key: string;
  url: string;
  width: number;
  height: number;
  bytes: number;
  expires_at: string;
}

describe('local runtime: signed uploads and images end to end', function () {
  this.timeout(180_000);
  let dataDir: string;
  let jwks: Server;
  let issuer: string;
  let key: CryptoKey;
  let server: LocalServer;

  before(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    const port = await freePort();
    await new Promise<void>((resolve) => jwks.listen(port, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'local-signed-'));
    server = await startLocalServer(dataDir, { USERS_JWT_ISSUER: issuer, USERS_JWT_AUDIENCE: AUDIENCE });
  });
  after(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const as = async (sub: string) =>
    `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject(sub).setIssuer(issuer).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(key)}`;
  const call = async (sub: string, method: string, path: string, json?: unknown) =>
    fetch(`${server.base}${path}`, {
      method,
      redirect: 'manual',
      headers: { authorization: await as(sub), ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });

  it('lets a new user upload a photo into its own folder and fetch the compressed copy, with nothing but the API and its URLs', async () => {
    const photo = imageFixture('exif-orientation-Landscape_6.jpg');
    for (const [sub, email] of [['alice', 'alice@example.com'], ['bob', 'bob@example.com']]) {
      const made = await call(sub, 'POST', '/users', { name: sub, email });
      expect(made.status, await made.text()).to.equal(201);
    }

    const asked = await call('alice', 'POST', '/users/alice/uploads', { filename: 'Landscape 6.jpg', content_type: 'image/jpeg', bytes: photo.length });
    expect(asked.status).to.equal(201);
    const grant = (await asked.json()) as { key: string; upload: { method: string; url: string; headers: Record<string, string> }; expires_at: string };
    expect(grant.key).to.match(/^alice\/[0-9a-z]+-Landscape_6\.jpg$/);
    const landed = await fetch(grant.upload.url, { method: grant.upload.method, headers: grant.upload.headers, body: photo });
    expect(landed.status, await landed.text()).to.equal(201);

    const [image] = await eventually(async () => {
      const listed = (await (await call('alice', 'GET', '/users/alice/images')).json()) as { images: Listed[] };
      return listed.images.length > 0 ? listed.images : undefined;
    }, 'the compressed copy to be listed');
    expect(image.key).to.equal(`compressed/${grant.key}`);
    expect(image.original_key).to.equal(grant.key);
    // Landscape_6 is stored rotated: the copy is upright, so wider than tall, within 800x800
    expect(image.width).to.equal(800);
    expect(image.height).to.be.within(1, 799);

    const download = await fetch(image.url);
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-type')).to.equal('image/jpeg');
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).to.equal(image.bytes);
    expect(await sharp(bytes).metadata()).to.deep.include({ width: image.width, height: image.height, format: 'jpeg' });

    const name = grant.key.slice('alice/'.length);
    const redirect = await call('alice', 'GET', `/users/alice/images/${encodeURIComponent(name)}`);
    expect(redirect.status).to.equal(302);
    expect((await fetch(redirect.headers.get('location')!)).status).to.equal(200);

    // bob's token, on every route of alice's images
    for (const [method, path, body] of [
      ['POST', '/users/alice/uploads', { filename: 'x.jpg', content_type: 'image/jpeg', bytes: 10 }],
      ['GET', '/users/alice/images', undefined],
      ['GET', `/users/alice/images/${encodeURIComponent(name)}`, undefined],
    ] as const) {
      const refused = await call('bob', method, path, body);
      expect(refused.status, `${method} ${path} as bob`).to.equal(403);
      expect(refused.headers.get('content-type')).to.equal('application/problem+json');
    }
    expect(((await (await call('bob', 'GET', '/users/bob/images')).json()) as { images: unknown[] }).images).to.deep.equal([]);

    // a URL signed with this runtime's own key, but expired, is refused by the store
    const secret = Buffer.from(readFileSync(join(dataDir, SIGNING_KEY_FILE), 'utf8'), 'hex');
    const expired = signPath(secret, { method: 'GET', bucket: 'compressed', key: image.key, expires: Math.floor(Date.now() / 1000) - 1 });
    const stale = await fetch(`${server.base}${expired}`);
    expect(stale.status).to.equal(403);
    expect(await stale.text()).to.contain('expired');
  });
});
