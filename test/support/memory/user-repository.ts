/** An in-memory UserRepository for unit tests of the core (not shipped). */
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

export class MemoryUserRepository implements UserRepository {
  readonly users = new Map<string, UserRecord>();

  async get(userId: string) {
    const u = this.users.get(userId);
    return u ? { ...u } : undefined;
  }

  async list({ limit, cursor }: { limit: number; cursor?: string }): Promise<UserPage> {
    let after = '';
    if (cursor !== undefined) {
      try {
        after = Buffer.from(cursor, 'base64url').toString('utf8');
      } catch {
        throw new InvalidCursorError();
      }
      if (!after.startsWith('m:') || !isPossibleUserId(after.slice(2)) || Buffer.from(after).toString('base64url') !== cursor) throw new InvalidCursorError();
      after = after.slice(2);
    }
    const ids = [...this.users.keys()].filter((id) => id > after).sort();
    const page = ids.slice(0, limit).map((id) => ({ ...this.users.get(id)! }));
    const more = ids.length > limit;
    return more
      ? { users: page, nextCursor: Buffer.from('m:' + page[page.length - 1].user_id).toString('base64url') }
      : { users: page };
  }

  private emailTaken(email: string, exceptId?: string) {
    for (const u of this.users.values()) if (u.email === email && u.user_id !== exceptId) return true;
    return false;
  }

  async create(user: UserRecord): Promise<CreateUserResult> {
    if (this.users.has(user.user_id)) return 'duplicate_id';
    if (this.emailTaken(user.email)) return 'duplicate_email';
    this.users.set(user.user_id, { ...user });
    return 'created';
  }

  async update(previous: UserRecord, next: UserRecord): Promise<UpdateUserResult> {
    const current = this.users.get(previous.user_id);
    if (!current) return 'not_found';
    if (current.version !== previous.version) return 'version_mismatch';
    if (this.emailTaken(next.email, next.user_id)) return 'duplicate_email';
    this.users.set(next.user_id, { ...next });
    return 'updated';
  }

  async delete(userId: string, expectedVersion?: number): Promise<DeleteUserResult> {
    const current = this.users.get(userId);
    if (!current) return 'not_found';
    if (expectedVersion !== undefined && current.version !== expectedVersion) return 'version_mismatch';
    this.users.delete(userId);
    return 'deleted';
  }
}
