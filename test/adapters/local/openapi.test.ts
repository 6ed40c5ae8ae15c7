/**
 * The local runtime's users API against openapi.json: every operation, its conditional and error
 * answers, a CORS preflight and the description itself go over HTTP to the real local server
 * (in process, over a fresh data directory), and each exchange is checked by
 * express-openapi-validator (test/support/openapi-traffic.ts).
 */
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalServer } from '../../../adapters/local/server';
import { openApiDocument } from '../../../handlers/users/openapi';
import { checkedFetch } from '../../support/openapi-traffic';
import { localHarness, type LocalHarness } from './local-harness';

const ORIGIN = 'https://app.example';

describe('local users API against openapi.json', function () {
  this.timeout(30_000);
  let h: LocalHarness;
  let server: Server;
  let base: string;

  before(async () => {
    h = localHarness({ USERS_CORS_ORIGINS: ORIGIN });
    server = createLocalServer(h.ports);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    h.dispose();
  });

  const json = { 'content-type': 'application/json' };

  it('serves the description at GET /openapi.json', async () => {
    const res = await checkedFetch(`${base}/openapi.json`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal(openApiDocument());
    expect((await checkedFetch(`${base}/openapi.json`, { method: 'HEAD' })).status).to.equal(200);
  });

  it('answers every operation as described, errors included', async () => {
    const created = await checkedFetch(`${base}/users`, { method: 'POST', headers: json, body: JSON.stringify({ name: ' Ada ', email: 'Ada@Example.com' }) });
    expect(created.status).to.equal(201);
    const user = (await created.json()) as { user_id: string };
    const at = `${base}/users/${encodeURIComponent(user.user_id)}`;
    const etag = created.headers.get('etag')!;

    expect((await checkedFetch(at)).status).to.equal(200);
    expect((await checkedFetch(at, { method: 'HEAD' })).status).to.equal(200);
    expect((await checkedFetch(at, { headers: { 'if-none-match': etag } })).status).to.equal(304);
    expect((await checkedFetch(`${base}/users?limit=1`)).status).to.equal(200);
    expect((await checkedFetch(`${base}/users?limit=0`)).status).to.equal(400);
    expect((await checkedFetch(`${base}/users?cursor=forged`)).status).to.equal(400);
    const put = await checkedFetch(at, { method: 'PUT', headers: { ...json, 'if-match': etag }, body: JSON.stringify({ name: 'Ada L', email: 'ada@example.com' }) });
    expect(put.status).to.equal(200);
    expect((await checkedFetch(at, { method: 'PATCH', headers: { ...json, 'if-match': etag }, body: '{"name":"X"}' })).status).to.equal(412);
    expect((await checkedFetch(at, { method: 'PATCH', headers: json, body: '{}' })).status).to.equal(422);
    expect((await checkedFetch(at, { method: 'PATCH', headers: { 'content-type': 'text/plain' }, body: 'name=X' })).status).to.equal(415);
    expect((await checkedFetch(`${base}/users`, { method: 'POST', headers: json, body: '{"name":' })).status).to.equal(400);
    expect((await checkedFetch(`${base}/users`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'Twin', email: 'ada@example.com' }) })).status).to.equal(409);
    const preflight = { origin: ORIGIN, 'access-control-request-method': 'PUT' };
    expect((await checkedFetch(at, { method: 'OPTIONS', headers: preflight })).status).to.equal(204);
    expect((await checkedFetch(at, { method: 'OPTIONS', headers: { ...preflight, origin: 'https://evil.example' } })).status).to.equal(403);
    expect((await checkedFetch(at, { method: 'DELETE' })).status).to.equal(204);
    expect((await checkedFetch(at)).status).to.equal(404);
    expect((await checkedFetch(at, { method: 'DELETE' })).status).to.equal(404);
    expect((await checkedFetch(`${base}/users/a/b`)).status).to.equal(404);
    expect((await checkedFetch(`${base}/users`, { method: 'DELETE' })).status).to.equal(405);
  });
});
