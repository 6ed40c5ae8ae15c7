/** One row per error status the API answers, each checked as RFC 9457 problem+json. */
import { expect } from 'chai';
import type { HttpRequest } from '../../../handlers/events';
import { bodyOf, created, harness } from './harness';

interface Row {
  name: string;
  request: Partial<HttpRequest> & { method: string; path: string; json?: unknown };
  status: number;
  headers?: Record<string, string>;
  errors?: { field: string; message: string }[];
}

const text = (s: string) => new TextEncoder().encode(s);
const jsonType = { 'content-type': 'application/json' };

const rows: Row[] = [
  { name: 'unknown route', request: { method: 'GET', path: '/orders' }, status: 404 },
  { name: 'route deeper than /users/{id}', request: { method: 'GET', path: '/users/u0001/avatar' }, status: 404 },
  { name: 'empty id (double slash)', request: { method: 'GET', path: '/users//' }, status: 404 },
  { name: 'unknown user', request: { method: 'GET', path: '/users/nobody' }, status: 404 },
  { name: 'DELETE on the collection', request: { method: 'DELETE', path: '/users' }, status: 405, headers: { allow: 'GET, HEAD, POST, OPTIONS' } },
  { name: 'POST on an item', request: { method: 'POST', path: '/users/u0001' }, status: 405, headers: { allow: 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS' } },
  { name: 'limit not a number', request: { method: 'GET', path: '/users', query: { limit: 'ten' } }, status: 400 },
  { name: 'limit 0', request: { method: 'GET', path: '/users', query: { limit: '0' } }, status: 400 },
  { name: 'limit over 100', request: { method: 'GET', path: '/users', query: { limit: '101' } }, status: 400 },
  { name: 'negative limit', request: { method: 'GET', path: '/users', query: { limit: '-1' } }, status: 400 },
  { name: 'cursor not issued by the store', request: { method: 'GET', path: '/users', query: { cursor: 'bm90LW1pbmU' } }, status: 400 },
  { name: 'empty cursor', request: { method: 'GET', path: '/users', query: { cursor: '' } }, status: 400 },
  { name: 'malformed JSON', request: { method: 'POST', path: '/users', headers: jsonType, body: text('{"name": "A",') }, status: 400 },
  { name: 'empty JSON body', request: { method: 'POST', path: '/users', headers: jsonType, body: new Uint8Array() }, status: 400 },
  { name: 'body not UTF-8', request: { method: 'POST', path: '/users', headers: jsonType, body: new Uint8Array([0x7b, 0xff, 0x7d]) }, status: 400 },
  { name: 'text/plain body', request: { method: 'POST', path: '/users', headers: { 'content-type': 'text/plain' }, body: text('{}') }, status: 415 },
  { name: 'no content type', request: { method: 'PATCH', path: '/users/u0001', body: text('{"name":"A"}') }, status: 415, headers: { 'accept-patch': 'application/json' } },
  { name: 'form body', request: { method: 'PUT', path: '/users/u0001', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: text('name=A') }, status: 415 },
  { name: 'body over maxBodyBytes', request: { method: 'POST', path: '/users', json: { name: 'A', email: 'a@example.com', pad: 'x'.repeat(64 * 1024) } }, status: 413 },
  { name: 'Content-Length over maxBodyBytes', request: { method: 'POST', path: '/users', headers: { ...jsonType, 'content-length': String(64 * 1024 + 1) }, body: text('{}') }, status: 413 },
  {
    name: 'every invalid field listed',
    request: { method: 'POST', path: '/users', json: { name: '   ', email: 'not-an-address', role: 'admin' } },
    status: 422,
    errors: [
      { field: 'name', message: 'name must not be empty' },
      { field: 'email', message: 'email must be a valid email address: must be local-part@domain' },
      { field: 'role', message: 'unknown field' },
    ],
  },
  {
    name: 'missing fields on POST',
    request: { method: 'POST', path: '/users', json: {} },
    status: 422,
    errors: [
      { field: 'name', message: 'is required' },
      { field: 'email', message: 'is required' },
    ],
  },
  {
    name: 'PUT needs both fields',
    request: { method: 'PUT', path: '/users/u0001', json: { name: 'A' } },
    status: 422,
    errors: [{ field: 'email', message: 'is required' }],
  },
  {
    name: 'PATCH with no field',
    request: { method: 'PATCH', path: '/users/u0001', json: {} },
    status: 422,
    errors: [{ field: 'body', message: 'at least one of name, email is required' }],
  },
  { name: 'PATCH refuses user_id', request: { method: 'PATCH', path: '/users/u0001', json: { user_id: 'x' } }, status: 422, errors: [{ field: 'user_id', message: 'unknown field' }] },
  { name: 'a JSON array', request: { method: 'POST', path: '/users', json: [{ name: 'A' }] }, status: 422, errors: [{ field: 'body', message: 'must be a JSON object' }] },
  { name: 'name of 201 characters', request: { method: 'POST', path: '/users', json: { name: 'n'.repeat(201), email: 'a@example.com' } }, status: 422, errors: [{ field: 'name', message: 'name must be at most 200 characters' }] },
  { name: 'name not a string', request: { method: 'POST', path: '/users', json: { name: 7, email: 'a@example.com' } }, status: 422, errors: [{ field: 'name', message: 'name must be a string' }] },
  { name: 'duplicate email', request: { method: 'POST', path: '/users', json: { name: 'B', email: 'ADA@example.com' } }, status: 409 },
  { name: 'stale If-Match', request: { method: 'PATCH', path: '/users/u0001', headers: { 'if-match': '"v7"' }, json: { name: 'B' } }, status: 412 },
];

describe('users API: error statuses', () => {
  for (const row of rows) {
    it(`${row.status} for ${row.name}`, async () => {
      const h = harness();
      await created(h, 'Ada', 'ada@example.com');
      const res = await h.call({ ...row.request, requestId: 'r1' });
      expect(res.status).to.equal(row.status);
      expect(res.headers['content-type']).to.equal('application/problem+json');
      for (const [name, value] of Object.entries(row.headers ?? {})) expect(res.headers[name], name).to.equal(value);
      const problem = bodyOf(res);
      expect(problem).to.include({ type: 'about:blank', status: row.status, instance: row.request.path });
      expect(problem.title).to.be.a('string').and.not.equal('');
      expect(problem.detail).to.be.a('string').and.not.equal('');
      if (row.errors) expect(problem.errors).to.deep.equal(row.errors);
      // nothing was written by a refused request
      expect((await h.repo.get('u0001'))?.version).to.equal(1);
      expect(h.repo.users.size).to.equal(1);
    });
  }

  it('accepts the largest body and a +json media type with parameters', async () => {
    const h = harness({ maxBodyBytes: 60 });
    const exact = JSON.stringify({ name: 'A'.repeat(24), email: 'ab@example.com' });
    expect(exact.length).to.equal(60);
    const res = await h.call({
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/merge-patch+json; charset=utf-8' },
      body: new TextEncoder().encode(exact),
    });
    expect(res.status).to.equal(201);
    const over = await h.call({ method: 'POST', path: '/users', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(exact + ' ') });
    expect(over.status).to.equal(413);
  });

  it('a name of 200 characters (emoji counted as one) is accepted', async () => {
    const h = harness();
    const res = await h.call({ method: 'POST', path: '/users', json: { name: '😀'.repeat(200), email: 'e@example.com' } });
    expect(res.status).to.equal(201);
  });
});
