/**
 * HEAD wherever GET is (RFC 9110 section 9.3.2): the GET's status and headers, ETag included,
 * and no body; HEAD is listed in Allow.
 */
import { expect } from 'chai';
import { created, harness } from './harness';

describe('users API: HEAD', () => {
  it('HEAD /users/{id} answers as GET without the body, with the same headers and ETag', async () => {
    const h = harness({ corsOrigins: ['https://app.example'] });
    const ada = await created(h, 'Ada', 'ada@example.com');
    const path = `/users/${String(ada.user_id)}`;
    const headers = { origin: 'https://app.example' };
    const get = await h.call({ method: 'GET', path, headers });
    const head = await h.call({ method: 'HEAD', path, headers });
    expect(get.status).to.equal(200);
    expect(head.status).to.equal(200);
    expect(head.headers).to.deep.equal(get.headers);
    expect(head.headers.etag).to.equal('"v1"');
    expect(head).to.not.have.property('body');
  });

  it('HEAD /users answers as GET without the body', async () => {
    const h = harness();
    await created(h, 'Ada', 'ada@example.com');
    const get = await h.call({ method: 'GET', path: '/users', query: { limit: '1' } });
    const head = await h.call({ method: 'HEAD', path: '/users', query: { limit: '1' } });
    expect(head.status).to.equal(200);
    expect(head.headers).to.deep.equal(get.headers);
    expect(head.body).to.equal(undefined);
  });

  it('answers 304 to HEAD with a matching If-None-Match, like GET', async () => {
    const h = harness();
    const ada = await created(h, 'Ada', 'ada@example.com');
    const res = await h.call({ method: 'HEAD', path: `/users/${String(ada.user_id)}`, headers: { 'if-none-match': '"v1"' } });
    expect(res).to.deep.equal({ status: 304, headers: { etag: '"v1"' } });
  });

  it('keeps the status and headers of an error but drops its problem body', async () => {
    const h = harness();
    const missing = await h.call({ method: 'HEAD', path: '/users/nobody' });
    expect(missing.status).to.equal(404);
    expect(missing.headers['content-type']).to.equal('application/problem+json');
    expect(missing.body).to.equal(undefined);
    const badLimit = await h.call({ method: 'HEAD', path: '/users', query: { limit: 'x' } });
    expect(badLimit.status).to.equal(400);
    expect(badLimit.body).to.equal(undefined);
  });

  it('lists HEAD in Allow on both routes', async () => {
    const h = harness();
    expect((await h.call({ method: 'OPTIONS', path: '/users' })).headers.allow).to.equal('GET, HEAD, POST, OPTIONS');
    expect((await h.call({ method: 'OPTIONS', path: '/users/x' })).headers.allow).to.equal('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
    expect((await h.call({ method: 'TRACE', path: '/users/x' })).headers.allow).to.equal('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
  });

  it('changes nothing: a HEAD is safe', async () => {
    const h = harness();
    const ada = await created(h, 'Ada', 'ada@example.com');
    await h.call({ method: 'HEAD', path: `/users/${String(ada.user_id)}` });
    expect(await h.repo.get(String(ada.user_id))).to.include({ version: 1 });
  });
});
