import { expect } from 'chai';
import { bodyOf, created, harness } from './harness';

describe('users API: records', () => {
  it('POST creates a record: 201, Location, ETag, clock timestamps, lower-cased email, trimmed name', async () => {
    const h = harness();
    const res = await h.call({ method: 'POST', path: '/users', json: { name: '  Ada Lovelace ', email: 'Ada@Example.COM' } });
    expect(res.status).to.equal(201);
    expect(res.headers['location']).to.equal('/users/u0001');
    expect(res.headers['etag']).to.equal('"v1"');
    expect(res.headers['content-type']).to.equal('application/json');
    const expected = {
      user_id: 'u0001',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      created_at: '2026-01-02T03:04:05.000Z',
      updated_at: '2026-01-02T03:04:05.000Z',
      version: 1,
    };
    expect(bodyOf(res)).to.deep.equal(expected);
    expect(await h.repo.get('u0001')).to.deep.equal(expected);
  });

  it('GET /users/{id} answers the record with its ETag', async () => {
    const h = harness();
    const user = await created(h, 'Ada', 'ada@example.com');
    const res = await h.call({ method: 'GET', path: '/users/u0001' });
    expect(res.status).to.equal(200);
    expect(res.headers['etag']).to.equal('"v1"');
    expect(bodyOf(res)).to.deep.equal(user);
  });

  it('PUT replaces name and email, bumps the version and updated_at, keeps created_at', async () => {
    const h = harness();
    await created(h, 'Ada', 'ada@example.com');
    h.setNow('2026-02-03T00:00:00.000Z');
    const res = await h.call({ method: 'PUT', path: '/users/u0001', json: { name: 'Grace', email: 'GRACE@example.com' } });
    expect(res.status).to.equal(200);
    expect(res.headers['etag']).to.equal('"v2"');
    expect(bodyOf(res)).to.deep.include({
      name: 'Grace',
      email: 'grace@example.com',
      version: 2,
      created_at: '2026-01-02T03:04:05.000Z',
      updated_at: '2026-02-03T00:00:00.000Z',
    });
    expect((await h.repo.get('u0001'))?.email).to.equal('grace@example.com');
  });

  it('PATCH changes only the fields it names', async () => {
    const h = harness();
    await created(h, 'Ada', 'ada@example.com');
    const res = await h.call({ method: 'PATCH', path: '/users/u0001', json: { name: 'Ada L.' } });
    expect(res.status).to.equal(200);
    expect(bodyOf(res)).to.deep.include({ name: 'Ada L.', email: 'ada@example.com', version: 2 });
  });

  it('PUT to the own email of the record is not a duplicate', async () => {
    const h = harness();
    await created(h, 'Ada', 'ada@example.com');
    const res = await h.call({ method: 'PUT', path: '/users/u0001', json: { name: 'Ada', email: 'ada@example.com' } });
    expect(res.status).to.equal(200);
  });

  it('DELETE answers 204 with no body and no content type, and the record is gone', async () => {
    const h = harness();
    await created(h, 'Ada', 'ada@example.com');
    const res = await h.call({ method: 'DELETE', path: '/users/u0001' });
    expect(res).to.deep.equal({ status: 204, headers: {} });
    expect(await h.repo.get('u0001')).to.equal(undefined);
    expect((await h.call({ method: 'GET', path: '/users/u0001' })).status).to.equal(404);
  });

  it('a duplicate email is 409 on POST, PUT and PATCH, case-insensitively', async () => {
    const h = harness();
    await created(h, 'Ada', 'ada@example.com');
    await created(h, 'Grace', 'grace@example.com');
    const post = await h.call({ method: 'POST', path: '/users', json: { name: 'X', email: 'ADA@example.com' } });
    const put = await h.call({ method: 'PUT', path: '/users/u0002', json: { name: 'X', email: 'ada@example.com' } });
    const patch = await h.call({ method: 'PATCH', path: '/users/u0002', json: { email: 'Ada@Example.com' } });
    for (const res of [post, put, patch]) {
      expect(res.status).to.equal(409);
      expect(res.headers['content-type']).to.equal('application/problem+json');
    }
    expect(h.repo.users.size).to.equal(2);
    expect((await h.repo.get('u0002'))?.email).to.equal('grace@example.com');
  });

  it('an update or delete of an unknown user is 404 and creates nothing (never an upsert)', async () => {
    const h = harness();
    for (const [method, json] of [['PUT', { name: 'A', email: 'a@example.com' }], ['PATCH', { name: 'A' }], ['DELETE', undefined]] as const) {
      const res = await h.call({ method, path: '/users/nobody', json });
      expect(res.status, method).to.equal(404);
      expect(bodyOf(res)).to.include({ status: 404, instance: '/users/nobody' });
    }
    expect(h.repo.users.size).to.equal(0);
  });

  it('a generated id that is already taken is regenerated', async () => {
    const h = harness({}, { ids: { newId: (() => { const seq = ['taken', 'taken', 'fresh']; return () => seq.shift()!; })() } });
    await h.repo.create({ user_id: 'taken', name: 'T', email: 't@example.com', created_at: 'x', updated_at: 'x', version: 1 });
    const res = await h.call({ method: 'POST', path: '/users', json: { name: 'Ada', email: 'ada@example.com' } });
    expect(res.status).to.equal(201);
    expect(res.headers['location']).to.equal('/users/fresh');
  });

  it('a store that throws gives a 500 problem and an error log line, without leaking the reason', async () => {
    const h = harness();
    h.repo.get = async () => {
      throw new Error('table is down: secret-host:1234');
    };
    const res = await h.call({ method: 'GET', path: '/users/u1', requestId: 'req-9' });
    expect(res.status).to.equal(500);
    expect(res.headers['content-type']).to.equal('application/problem+json');
    expect(res.body).to.not.include('secret-host');
    expect(h.logs.find((l) => l.level === 'error')).to.include({ correlation_id: 'req-9', route: '/users/{id}' });
  });
});
