/**
 * Users in SQLite. The `email` column is UNIQUE, so the database itself refuses a second
 * claim on an address; updates and deletes are conditional on `version` in their WHERE clause,
 * so two writers of one version cannot both win.
 */
import {
  InvalidCursorError,
  isPossibleUserId,
  type CreateUserResult,
  type DeleteUserResult,
  type UpdateUserResult,
  type UserPage,
  type UserRecord,
  type UserRepository,
} from '../../../handlers/ports/user-repository';
import { whenNotBusy } from '../busy';
import type { Db } from '../database';

/**
 * Cursors carry the last id of the previous page, tagged so that a foreign string is refused, and
 * are checked (see `isPossibleUserId`): the canonical encoding of the tag and an id a user can have.
 */
const CURSOR_TAG = 'local-users-v1:';

export function encodeCursor(lastId: string): string {
  return Buffer.from(CURSOR_TAG + lastId, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const after = text.slice(CURSOR_TAG.length);
  if (!text.startsWith(CURSOR_TAG) || !isPossibleUserId(after) || encodeCursor(after) !== cursor) throw new InvalidCursorError();
  return after;
}

function isUniqueViolation(err: unknown, column: string): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') &&
    typeof e.message === 'string' &&
    e.message.includes(`users.${column}`)
  );
}

export class SqliteUserRepository implements UserRepository {
  constructor(private readonly db: Db) {}

  async get(userId: string): Promise<UserRecord | undefined> {
    return whenNotBusy(() => this.db.prepare<[string], UserRecord>('SELECT * FROM users WHERE user_id = ?').get(userId));
  }

  async list({ limit, cursor }: { limit: number; cursor?: string }): Promise<UserPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    // one row more than asked tells whether another page follows
    const rows = await whenNotBusy(() =>
      after === undefined
        ? this.db.prepare<[number], UserRecord>('SELECT * FROM users ORDER BY user_id LIMIT ?').all(limit + 1)
        : this.db.prepare<[string, number], UserRecord>('SELECT * FROM users WHERE user_id > ? ORDER BY user_id LIMIT ?').all(after, limit + 1),
    );
    const users = rows.slice(0, limit);
    return rows.length > limit ? { users, nextCursor: encodeCursor(users[users.length - 1].user_id) } : { users };
  }

  async create(user: UserRecord): Promise<CreateUserResult> {
    try {
      await whenNotBusy(() =>
        this.db
          .prepare('INSERT INTO users (user_id, name, email, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?)')
          .run(user.user_id, user.name, user.email, user.created_at, user.updated_at, user.version),
      );
      return 'created';
    } catch (err) {
      if (isUniqueViolation(err, 'user_id')) return 'duplicate_id';
      if (isUniqueViolation(err, 'email')) return 'duplicate_email';
      throw err;
    }
  }

  async update(previous: UserRecord, next: UserRecord): Promise<UpdateUserResult> {
    try {
      const changed = await whenNotBusy(
        () =>
          this.db
            .prepare('UPDATE users SET name = ?, email = ?, created_at = ?, updated_at = ?, version = ? WHERE user_id = ? AND version = ?')
            .run(next.name, next.email, next.created_at, next.updated_at, next.version, previous.user_id, previous.version).changes,
      );
      if (changed === 1) return 'updated';
    } catch (err) {
      if (isUniqueViolation(err, 'email')) return 'duplicate_email';
      throw err;
    }
    return (await this.get(previous.user_id)) ? 'version_mismatch' : 'not_found';
  }

  async delete(userId: string, expectedVersion?: number): Promise<DeleteUserResult> {
    const changed = await whenNotBusy(() =>
      expectedVersion === undefined
        ? this.db.prepare('DELETE FROM users WHERE user_id = ?').run(userId).changes
        : this.db.prepare('DELETE FROM users WHERE user_id = ? AND version = ?').run(userId, expectedVersion).changes,
    );
    if (changed === 1) return 'deleted';
    return (await this.get(userId)) ? 'version_mismatch' : 'not_found';
  }
}
