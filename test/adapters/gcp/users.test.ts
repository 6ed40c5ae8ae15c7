/**
 * The users entry point through a real Functions Framework server (`getTestServer('users')`), over
 * HTTP, with the real wiring on the Firestore emulator: the Express request reaches the core as an
 * HttpRequest (path decoded once, first query value, raw body) and the core's answer goes back
 * unchanged (status, headers, ETag, no body on 204/304). No GCP fixture is an HTTP request, so the
 * requests are built here. Every exchange but the known limit's is checked against openapi.json.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
// Registers the `users` target; its wiring is built on the first invocation, after functionsEnv().
import '../../../adapters/gcp/users';
import { openApiDocument } from '../../../handlers/users/openapi';
import { gcpPeersMissing } from '../../support/gcp-peers';
import { checkedFetch } from '../../support/openapi-traffic';
import { functionsEnv } from './support/functions-env';
import { serveFunction, type ServedFunction } from './support/serve';

const missing = gcpPeersMissing();

describe('GCP users function (Functions Framework over HTTP)', function () {
  this.timeout(60_000);
  let fn: ServedFunction;

  before(async function () {
    if (missing) {
      console.warn(`skipping: ${missing}`);
      this.skip();
    }
    await functionsEnv();
    fn = await serveFunction('users');
  });
  after(async () => {
    await fn?.close();
  });

  const json = { 'content-type': 'application/json' };

  it('creates, reads, conditionally updates and deletes a user', async () => {
    const email = `ada-${randomUUID().slice(0, 8)}@Example.com`;
    const created = await checkedFetch(`${fn.url}/users`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'Ada', email }) });
    expect(created.status).to.equal(201);
    expect(created.headers.get('content-type')).to.match(/^application\/json/);
    const user = (await created.json()) as { user_id: string; email: string };
    expect(user.email).to.equal(email.toLowerCase());
    expect(created.headers.get('location')).to.equal(`/users/${user.user_id}`);
    const etag = created.headers.get('etag')!;

    const read = await checkedFetch(`${fn.url}/users/${user.user_id}`);
    expect(read.status).to.equal(200);
    expect(read.headers.get('etag')).to.equal(etag);
    const head = await checkedFetch(`${fn.url}/users/${user.user_id}`, { method: 'HEAD' });
    expect([head.status, head.headers.get('etag')], 'HEAD is the GET without a body').to.deep.equal([200, etag]);
    expect(await head.text()).to.equal('');
    const notModified = await checkedFetch(`${fn.url}/users/${user.user_id}`, { headers: { 'if-none-match': etag } });
    expect(notModified.status).to.equal(304);
    expect(await notModified.text()).to.equal('');

    const stale = await checkedFetch(`${fn.url}/users/${user.user_id}`, { method: 'PATCH', headers: { ...json, 'if-match': '"v9"' }, body: JSON.stringify({ name: 'X' }) });
    expect(stale.status).to.equal(412);
    expect(stale.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const patched = await checkedFetch(`${fn.url}/users/${user.user_id}`, { method: 'PATCH', headers: { ...json, 'if-match': etag }, body: JSON.stringify({ name: 'Grace' }) });
    expect(patched.status).to.equal(200);
    expect(((await patched.json()) as { name: string }).name).to.equal('Grace');

    const deleted = await checkedFetch(`${fn.url}/users/${user.user_id}`, { method: 'DELETE' });
    expect(deleted.status).to.equal(204);
    expect(await deleted.text()).to.equal('');
    expect((await checkedFetch(`${fn.url}/users/${user.user_id}`)).status).to.equal(404);
  });

  it('refuses a duplicate email with 409 and an unknown user update with 404 (no upsert)', async () => {
    const email = `dup-${randomUUID().slice(0, 8)}@example.com`;
    expect((await checkedFetch(`${fn.url}/users`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'A', email }) })).status).to.equal(201);
    expect((await checkedFetch(`${fn.url}/users`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'B', email }) })).status).to.equal(409);
    const ghost = await checkedFetch(`${fn.url}/users/ghost-${randomUUID()}`, { method: 'PUT', headers: json, body: JSON.stringify({ name: 'G', email: `g-${email}` }) });
    expect(ghost.status).to.equal(404);
  });

  it('pages with the first value of a repeated query parameter and the store\'s opaque cursor', async () => {
    for (let i = 0; i < 3; i++) {
      await checkedFetch(`${fn.url}/users`, { method: 'POST', headers: json, body: JSON.stringify({ name: `P${i}`, email: `p${i}-${randomUUID().slice(0, 8)}@example.com` }) });
    }
    const first = await checkedFetch(`${fn.url}/users?limit=2&limit=50`);
    expect(first.status).to.equal(200);
    const page = (await first.json()) as { users: unknown[]; next_cursor?: string };
    expect(page.users).to.have.length(2);
    expect(page.next_cursor).to.be.a('string');
    const second = await checkedFetch(`${fn.url}/users?limit=2&cursor=${encodeURIComponent(page.next_cursor!)}`);
    expect(second.status).to.equal(200);
    expect((await checkedFetch(`${fn.url}/users?cursor=forged`)).status).to.equal(400);
  });

  it('serves the API description at GET /openapi.json', async () => {
    const res = await checkedFetch(`${fn.url}/openapi.json`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal(openApiDocument());
  });

  it('hands the raw body to the core: malformed +json is the core\'s 400 problem', async () => {
    const res = await checkedFetch(`${fn.url}/users`, { method: 'POST', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"name": ' });
    expect(res.status).to.equal(400);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  });

  it('KNOWN LIMIT: malformed application/json is refused by the framework\'s own parser before the core runs', async () => {
    // Functions Framework 5.0.5 parses application/json with body-parser (strict) ahead of every
    // function and hands a parse error to Express's default error handler: 400 text/html. It has no
    // option, hook or signature that lets the function see it (the raw body is saved in
    // req.rawBody, but the function is never called); GoogleCloudPlatform/functions-framework-nodejs
    // #686 / #685 (open) would pass such errors on. (Not checked against openapi.json: this answer
    // is the framework's text/html, which the description rightly does not allow.) This test fails when an upgrade changes that:
    // then map the error to problem+json. See docs/adapters/gcp.md, Known limits.
    const res = await fetch(`${fn.url}/users`, { method: 'POST', headers: json, body: '{"name": ' });
    expect(res.status).to.equal(400);
    expect(res.headers.get('content-type')).to.match(/^text\/html/);
    // The same for a JSON body in a charset body-parser refuses: 415 text/html.
    const latin1 = await fetch(`${fn.url}/users`, { method: 'POST', headers: { 'content-type': 'application/json; charset=latin1' }, body: '{}' });
    expect(latin1.status).to.equal(415);
    expect(latin1.headers.get('content-type')).to.match(/^text\/html/);
  });
});
