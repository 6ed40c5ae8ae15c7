/** ETags from versions and the conditional headers of RFC 9110 section 13. */
import { expect } from 'chai';
import type { UserRecord } from '../../../handlers/ports/user-repository';
import { bodyOf, created, harness, type Harness } from './harness';

async function withAda(): Promise<Harness> {
  const h = harness();
  await created(h, 'Ada', 'ada@example.com');
  await h.call({ method: 'PATCH', path: '/users/u0001', json: { name: 'Ada 2' } }); // now "v2"
  return h;
}

describe('users API: conditional requests', () => {
  const ifMatchCases: [string, number][] = [
    ['"v2"', 200],
    ['*', 200],
    ['"v1", "v2"', 200],
    ['"v1"', 412],
    ['W/"v2"', 412], // If-Match uses the strong comparison (RFC 9110 13.1.1)
    ['"2"', 412],
  ];
  for (const [header, status] of ifMatchCases) {
    it(`PUT with If-Match ${header} -> ${status}`, async () => {
      const h = await withAda();
      const res = await h.call({ method: 'PUT', path: '/users/u0001', headers: { 'if-match': header }, json: { name: 'B', email: 'b@example.com' } });
      expect(res.status).to.equal(status);
      expect((await h.repo.get('u0001'))?.version).to.equal(status === 200 ? 3 : 2);
    });
    it(`DELETE with If-Match ${header} -> ${status === 200 ? 204 : 412}`, async () => {
      const h = await withAda();
      const res = await h.call({ method: 'DELETE', path: '/users/u0001', headers: { 'if-match': header } });
      expect(res.status).to.equal(status === 200 ? 204 : 412);
      expect(h.repo.users.has('u0001')).to.equal(status !== 200);
    });
  }

  it('an unknown user is 404 even with If-Match: * (RFC 9110 13.2.1)', async () => {
    const h = harness();
    expect((await h.call({ method: 'PATCH', path: '/users/x', headers: { 'if-match': '*' }, json: { name: 'A' } })).status).to.equal(404);
    expect((await h.call({ method: 'DELETE', path: '/users/x', headers: { 'if-match': '*' } })).status).to.equal(404);
  });

  it('GET with a matching If-None-Match (weak comparison) is 304 with the ETag and no body', async () => {
    const h = await withAda();
    for (const tag of ['"v2"', 'W/"v2"', '"v1", W/"v2"', '*']) {
      const res = await h.call({ method: 'GET', path: '/users/u0001', headers: { 'if-none-match': tag } });
      expect(res, tag).to.deep.equal({ status: 304, headers: { etag: '"v2"' } });
    }
    const stale = await h.call({ method: 'GET', path: '/users/u0001', headers: { 'if-none-match': '"v1"' } });
    expect(stale.status).to.equal(200);
  });

  /** A repository where another writer slips in before each of the first `races` updates. */
  function racing(h: Harness, races: number) {
    const update = h.repo.update.bind(h.repo);
    let left = races;
    let calls = 0;
    h.repo.update = async (previous: UserRecord, next: UserRecord) => {
      calls++;
      if (left-- > 0) {
        const current = h.repo.users.get(previous.user_id)!;
        h.repo.users.set(previous.user_id, { ...current, name: `other writer ${calls}`, version: current.version + 1 });
      }
      return update(previous, next);
    };
    return () => calls;
  }

  it('without If-Match, a version race is retried as a fresh read-modify-write', async () => {
    const h = await withAda();
    const calls = racing(h, 2);
    const res = await h.call({ method: 'PATCH', path: '/users/u0001', json: { email: 'new@example.com' } });
    expect(res.status).to.equal(200);
    expect(calls()).to.equal(3);
    // the other writer's name survives: the patch was re-applied on the record it found
    expect(bodyOf(res)).to.include({ name: 'other writer 2', email: 'new@example.com', version: 5 });
  });

  it('without If-Match, a race that persists for 3 attempts is 409', async () => {
    const h = await withAda();
    const calls = racing(h, 10);
    const res = await h.call({ method: 'PATCH', path: '/users/u0001', json: { name: 'Mine' } });
    expect(res.status).to.equal(409);
    expect(calls()).to.equal(3);
  });

  it('with If-Match, a race is 412 at once', async () => {
    const h = await withAda();
    const calls = racing(h, 1);
    const res = await h.call({ method: 'PATCH', path: '/users/u0001', headers: { 'if-match': '"v2"' }, json: { name: 'Mine' } });
    expect(res.status).to.equal(412);
    expect(calls()).to.equal(1);
  });

  it('a DELETE with If-Match that loses a race to a writer is 412', async () => {
    const h = await withAda();
    const get = h.repo.get.bind(h.repo);
    h.repo.get = async (id) => {
      const found = await get(id);
      const current = h.repo.users.get(id)!;
      h.repo.users.set(id, { ...current, version: current.version + 1 });
      return found;
    };
    const res = await h.call({ method: 'DELETE', path: '/users/u0001', headers: { 'if-match': '"v2"' } });
    expect(res.status).to.equal(412);
    expect(h.repo.users.has('u0001')).to.equal(true);
  });
});
