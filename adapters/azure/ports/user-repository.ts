/**
 * UserRepository on Table storage (or Cosmos DB for Table, same SDK).
 *
 * Layout: ONE partition (`users`) holds a row per user (`id:<user_id>`) and a claim row per email
 * (`email:<email>`). create and update write a user and its email claim in one entity-group
 * transaction, which must stay inside one partition: that is what makes email uniqueness atomic.
 * delete is two steps (a transaction's delete cannot carry an ETag in @azure/data-tables): the
 * user row by ETag, then its claim; a claim left behind by a crash is released on the next create.
 * The price is one partition's throughput, about 2,000 entities/s on Table storage
 * (https://learn.microsoft.com/azure/storage/tables/scalability-targets); lift it by moving the
 * claims to a second table partitioned by email and writing them first (a two-step claim with
 * cleanup), or by Cosmos DB for Table, whose partitions scale with provisioned throughput.
 * Updates are Replace with the row's ETag (never an upsert); a 412 means someone else won.
 * Users are listed in ascending RowKey order, which is ascending user_id.
 */
import type { TableClient, TransactionAction } from '@azure/data-tables';
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
import { TransientError } from '../../../handlers/errors';
import { fromKeyPart, isGone, isStale, isTaken, keyPart } from '../table-keys';
import { loadTables } from '../sdk';

export const USERS_PARTITION = 'users';
const USER = 'id:';
const EMAIL = 'email:';
/** The first RowKey after every `id:` key (`;` follows `:`). */
const AFTER_USERS = 'id;';
const CURSOR_PREFIX = 'azt1:';

type UserEntity = {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  name: string;
  email: string;
  created_at: string;
  updated_at: string;
  version: number;
};

const userRow = (id: string) => USER + keyPart(id);
const emailRow = (email: string) => EMAIL + keyPart(email);

function toEntity(u: UserRecord): UserEntity {
  return { partitionKey: USERS_PARTITION, rowKey: userRow(u.user_id), name: u.name, email: u.email, created_at: u.created_at, updated_at: u.updated_at, version: u.version };
}

function toRecord(e: UserEntity): UserRecord {
  return {
    user_id: fromKeyPart(e.rowKey.slice(USER.length)),
    name: e.name,
    email: e.email,
    created_at: e.created_at,
    updated_at: e.updated_at,
    version: Number(e.version),
  };
}

function claim(email: string, userId: string) {
  return { partitionKey: USERS_PARTITION, rowKey: emailRow(email), user_id: userId };
}

export function encodeCursor(afterRowKey: string): string {
  return Buffer.from(CURSOR_PREFIX + afterRowKey, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // A cursor this class issued decodes to its prefix and a user row key, and re-encodes to itself;
  // checked, not signed (see isPossibleUserId): the row key is the canonical key of a possible id.
  const rowKey = text.slice(CURSOR_PREFIX.length);
  const id = fromKeyPart(rowKey.slice(USER.length));
  if (!text.startsWith(CURSOR_PREFIX + USER) || encodeCursor(rowKey) !== cursor || !isPossibleUserId(id) || userRow(id) !== rowKey) {
    throw new InvalidCursorError();
  }
  return text.slice(CURSOR_PREFIX.length);
}

export class TableUserRepository implements UserRepository {
  constructor(private readonly table: TableClient) {}

  private async read(userId: string): Promise<UserEntity | undefined> {
    try {
      return await this.table.getEntity<UserEntity>(USERS_PARTITION, userRow(userId));
    } catch (err) {
      if (isGone(err)) return undefined;
      throw err;
    }
  }

  async get(userId: string) {
    const e = await this.read(userId);
    return e ? toRecord(e) : undefined;
  }

  async list({ limit, cursor }: { limit: number; cursor?: string }): Promise<UserPage> {
    const after = cursor === undefined ? USER : decodeCursor(cursor);
    const filter = loadTables().odata`PartitionKey eq ${USERS_PARTITION} and RowKey gt ${after} and RowKey lt ${AFTER_USERS}`;
    const rows: UserEntity[] = [];
    // One more than asked tells whether another page exists.
    const pages = this.table.listEntities<UserEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: limit + 1 });
    for await (const page of pages) {
      rows.push(...page);
      if (rows.length > limit) break;
    }
    const users = rows.slice(0, limit).map(toRecord);
    if (rows.length <= limit) return { users };
    return { users, nextCursor: encodeCursor(rows[limit - 1].rowKey) };
  }

  async create(user: UserRecord): Promise<CreateUserResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.table.submitTransaction([
          ['create', toEntity(user)],
          ['create', claim(user.email, user.user_id)],
        ]);
        return 'created';
      } catch (err) {
        if (!isTaken(err)) throw err;
        if (await this.read(user.user_id)) return 'duplicate_id';
        if (attempt > 1 || !(await this.releaseOrphanClaim(user.email))) return 'duplicate_email';
      }
    }
  }

  /**
   * A delete removes the user row (conditionally, by ETag) and then its email claim: a crash
   * between the two leaves a claim whose user is gone or has another email. Such a claim is
   * released here, by its own ETag, so the email can be taken again. True when one was released.
   */
  private async releaseOrphanClaim(email: string): Promise<boolean> {
    let row: { user_id: string; etag?: string } | undefined;
    try {
      row = await this.table.getEntity<{ user_id: string }>(USERS_PARTITION, emailRow(email));
    } catch (err) {
      if (isGone(err)) return true;
      throw err;
    }
    const owner = await this.read(row.user_id);
    if (owner && owner.email === email) return false;
    try {
      await this.table.deleteEntity(USERS_PARTITION, emailRow(email), { etag: row.etag });
    } catch (err) {
      if (!isStale(err) && !isGone(err)) throw err;
    }
    return true;
  }

  async update(previous: UserRecord, next: UserRecord): Promise<UpdateUserResult> {
    const current = await this.read(previous.user_id);
    if (!current) return 'not_found';
    if (Number(current.version) !== previous.version) return 'version_mismatch';
    const actions: TransactionAction[] = [['update', toEntity(next), 'Replace', { etag: current.etag }]];
    if (next.email !== current.email) {
      actions.push(['create', claim(next.email, next.user_id)]);
      actions.push(['delete', { partitionKey: USERS_PARTITION, rowKey: emailRow(current.email) }]);
    }
    try {
      await this.table.submitTransaction(actions);
      return 'updated';
    } catch (err) {
      if (isStale(err)) return 'version_mismatch';
      if (isTaken(err)) return 'duplicate_email';
      if (isGone(err)) return 'not_found';
      throw err;
    }
  }

  async delete(userId: string, expectedVersion?: number): Promise<DeleteUserResult> {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const current = await this.read(userId);
      if (!current) return 'not_found';
      if (expectedVersion !== undefined && Number(current.version) !== expectedVersion) return 'version_mismatch';
      // A transaction's delete is unconditional in @azure/data-tables, so the user row is deleted
      // alone with its ETag (a concurrent update makes it fail), and the claim after it.
      try {
        await this.table.deleteEntity(USERS_PARTITION, current.rowKey, { etag: current.etag });
      } catch (err) {
        // Changed or deleted since it was read: read again and decide on what is there now.
        if (isStale(err) || isGone(err)) continue;
        throw err;
      }
      try {
        await this.table.deleteEntity(USERS_PARTITION, emailRow(current.email));
      } catch (err) {
        if (!isGone(err)) throw err;
      }
      return 'deleted';
    }
    throw new TransientError(`user ${userId} kept changing while it was being deleted`);
  }
}
