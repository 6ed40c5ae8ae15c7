import { expect } from 'chai';
import { bodyOf, created, harness } from './harness';

describe('users API: listing', () => {
  it('walks every user once, in id order, following next_cursor; the last page has none', async () => {
    const h = harness();
    for (let i = 0; i < 7; i++) await created(h, `User ${i}`, `u${i}@example.com`);
    const seen: string[] = [];
    const counts: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await h.call({ method: 'GET', path: '/users', query: cursor ? { limit: '3', cursor } : { limit: '3' } });
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/json');
      const page = bodyOf(res) as { users: { user_id: string }[]; count: number; next_cursor?: string };
      expect(page.count).to.equal(page.users.length);
      counts.push(page.count);
      seen.push(...page.users.map((u) => u.user_id));
      if (page.next_cursor === undefined) {
        expect(page).to.not.have.property('next_cursor');
        break;
      }
      expect(page.next_cursor).to.be.a('string').and.not.equal('');
      cursor = page.next_cursor;
    }
    expect(counts).to.deep.equal([3, 3, 1]);
    expect(seen).to.deep.equal(['u0001', 'u0002', 'u0003', 'u0004', 'u0005', 'u0006', 'u0007']);
  });

  it('uses the default page size without a limit and accepts limit = maxPageSize', async () => {
    const h = harness({ defaultPageSize: 2, maxPageSize: 4 });
    for (let i = 0; i < 5; i++) await created(h, `User ${i}`, `u${i}@example.com`);
    const byDefault = bodyOf(await h.call({ method: 'GET', path: '/users' }));
    expect(byDefault.count).to.equal(2);
    const atMax = bodyOf(await h.call({ method: 'GET', path: '/users', query: { limit: '4' } }));
    expect(atMax.count).to.equal(4);
    expect((await h.call({ method: 'GET', path: '/users', query: { limit: '5' } })).status).to.equal(400);
  });

  it('answers an empty list with count 0 and no cursor', async () => {
    const h = harness();
    const res = await h.call({ method: 'GET', path: '/users' });
    expect(bodyOf(res)).to.deep.equal({ users: [], count: 0 });
  });

  it('tolerates one trailing slash on both routes', async () => {
    const h = harness();
    await created(h, 'Ada', 'ada@example.com');
    expect(bodyOf(await h.call({ method: 'GET', path: '/users/' })).count).to.equal(1);
    expect((await h.call({ method: 'GET', path: '/users/u0001/' })).status).to.equal(200);
    expect((await h.call({ method: 'GET', path: '/users/u0001//' })).status).to.equal(404);
  });
});
