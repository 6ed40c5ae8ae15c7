/**
 * The UserRepository contract: every implementation (memory, SQLite, DynamoDB, Tables, Firestore)
 * runs it. The harness may share one store between tests: every test uses ids of its own.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { InvalidCursorError, type UserRecord, type UserRepository } from '../../handlers/ports/user-repository';

export interface UserRepositoryHarness {
  users: UserRepository;
  /**
   * The store's own cursor encoding of any position, as a client could craft it from a genuine
   * cursor: a crafted cursor whose position no user can have must still be refused.
   */
  forgeCursor?: (position: string) => string;
}

/** A user record of its own id and address; also for store-specific tests. */
export function user(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = overrides.user_id ?? `u-${randomUUID()}`;
  return {
    user_id: id,
    name: 'Ada Lovelace',
    email: `${id}@example.com`,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

export function describeUserRepositoryContract(name: string, makeHarness: () => Promise<UserRepositoryHarness>) {
  describe(`UserRepository contract: ${name}`, function () {
    this.timeout(30_000);
    let repo: UserRepository;
    let h: UserRepositoryHarness;

    before(async () => {
      h = await makeHarness();
      repo = h.users;
    });

    it('creates a user and reads it back unchanged', async () => {
      const u = user();
      expect(await repo.create(u)).to.equal('created');
      expect(await repo.get(u.user_id)).to.deep.equal(u);
    });

    it('answers undefined for an unknown id', async () => {
      expect(await repo.get(`missing-${randomUUID()}`)).to.equal(undefined);
    });

    it('refuses a second user with the same id, changing nothing', async () => {
      const u = user();
      await repo.create(u);
      expect(await repo.create({ ...u, email: `other-${u.email}`, name: 'Other' })).to.equal('duplicate_id');
      expect((await repo.get(u.user_id))!.name).to.equal('Ada Lovelace');
    });

    it('refuses a second user with the same email', async () => {
      const a = user();
      await repo.create(a);
      const b = user({ email: a.email });
      expect(await repo.create(b)).to.equal('duplicate_email');
      expect(await repo.get(b.user_id)).to.equal(undefined);
    });

    it('updates only at the expected version and bumps nothing itself', async () => {
      const u = user();
      await repo.create(u);
      const next = { ...u, name: 'Grace', version: 2, updated_at: '2026-01-02T00:00:00.000Z' };
      expect(await repo.update(u, next)).to.equal('updated');
      expect(await repo.get(u.user_id)).to.deep.equal(next);
      // `u` is now stale: its version is 1, the stored one 2.
      expect(await repo.update(u, { ...u, name: 'Stale', version: 2 })).to.equal('version_mismatch');
      expect((await repo.get(u.user_id))!.name).to.equal('Grace');
    });

    it('never upserts: updating an unknown user is not_found and creates nothing', async () => {
      const ghost = user();
      expect(await repo.update(ghost, { ...ghost, version: 2 })).to.equal('not_found');
      expect(await repo.get(ghost.user_id)).to.equal(undefined);
    });

    it('moves the email claim when the email changes', async () => {
      const u = user();
      await repo.create(u);
      const newEmail = `moved-${u.email}`;
      expect(await repo.update(u, { ...u, email: newEmail, version: 2 })).to.equal('updated');
      // the old address is free again, the new one is taken
      expect(await repo.create(user({ email: u.email }))).to.equal('created');
      expect(await repo.create(user({ email: newEmail }))).to.equal('duplicate_email');
    });

    it('refuses an update to an email another user has', async () => {
      const a = user();
      const b = user();
      await repo.create(a);
      await repo.create(b);
      expect(await repo.update(b, { ...b, email: a.email, version: 2 })).to.equal('duplicate_email');
      expect((await repo.get(b.user_id))!.email).to.equal(b.email);
    });

    it('lets exactly one of several concurrent updates of one version win', async () => {
      const u = user();
      await repo.create(u);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => repo.update(u, { ...u, name: `writer ${i}`, version: 2 })),
      );
      expect(results.filter((r) => r === 'updated')).to.have.length(1);
      expect(results.filter((r) => r === 'version_mismatch')).to.have.length(7);
    });

    it('deletes, frees the email, and answers not_found the second time', async () => {
      const u = user();
      await repo.create(u);
      expect(await repo.delete(u.user_id, 2)).to.equal('version_mismatch');
      expect(await repo.delete(u.user_id, 1)).to.equal('deleted');
      expect(await repo.get(u.user_id)).to.equal(undefined);
      expect(await repo.delete(u.user_id)).to.equal('not_found');
      expect(await repo.create(user({ email: u.email }))).to.equal('created');
    });

    it('pages through every user exactly once, in ascending id order', async () => {
      const tag = randomUUID().slice(0, 8);
      const mine = Array.from({ length: 7 }, (_, i) => user({ user_id: `page-${tag}-${i}` }));
      for (const u of [...mine].reverse()) await repo.create(u);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await repo.list({ limit: 3, cursor });
        expect(page.users.length).to.be.at.most(3);
        seen.push(...page.users.map((u) => u.user_id));
        cursor = page.nextCursor;
        pages++;
        expect(pages, 'runaway pagination').to.be.below(10_000);
      } while (cursor);
      const ours = seen.filter((id) => id.startsWith(`page-${tag}-`));
      expect(ours).to.deep.equal(mine.map((u) => u.user_id));
      expect(new Set(seen).size, 'no user twice').to.equal(seen.length);
      expect([...seen].sort(), 'ascending').to.deep.equal(seen);
    });

    it('rejects a crafted cursor whose position is no possible user id, in its own encoding', async function () {
      if (!h.forgeCursor) return this.skip();
      const refused: string[] = [];
      for (const position of ['', '.', '..', 'a/b', 'nul\u0000', 'line\nbreak', 'x'.repeat(256)]) {
        try {
          await repo.list({ limit: 2, cursor: h.forgeCursor(position) });
        } catch (err) {
          if (err instanceof InvalidCursorError) refused.push(position);
          else throw err;
        }
      }
      expect(refused).to.have.length(7);
      // a well-formed position is a place to start from, not an error (cursors are checked, not signed)
      expect(await repo.list({ limit: 2, cursor: h.forgeCursor('m') })).to.have.property('users');
    });

    it('rejects a cursor it did not issue with InvalidCursorError', async () => {
      let thrown: unknown;
      try {
        await repo.list({ limit: 2, cursor: 'not-a-cursor!!' });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).to.be.instanceOf(InvalidCursorError);
    });
  });
}
