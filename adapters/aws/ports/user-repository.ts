/**
 * UserRepository on DynamoDB. Keys and the listing index: see ../tables.ts.
 * Uniqueness of email is an `EMAIL#<email>` item written in the same transaction as the user,
 * because DynamoDB enforces uniqueness on keys only.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { retryOnConflict } from '../../../handlers/retry';
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
import { emailKey, userKey, usersTable } from '../tables';
import { conditionFailedAt, isConditionalCheckFailed, isTransactionConflict } from './transactions';

/** The user changed between our read and our conditional delete: read again and retry. */
class ChangedUnderneath extends Error {}

const isRetryable = (err: unknown) => err instanceof ChangedUnderneath || isTransactionConflict(err);

export class DynamoUserRepository implements UserRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(userId: string): Promise<UserRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: userKey(userId) }, ConsistentRead: true }));
    return out.Item ? toUser(out.Item) : undefined;
  }

  async list({ limit, cursor }: { limit: number; cursor?: string }): Promise<UserPage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: usersTable.listingIndex,
        KeyConditionExpression: '#listing = :listing',
        ExpressionAttributeNames: { '#listing': usersTable.listingKey },
        ExpressionAttributeValues: { ':listing': usersTable.listingPartition },
        ScanIndexForward: true,
        Limit: limit,
        ExclusiveStartKey: cursor === undefined ? undefined : startKey(decodeCursor(cursor)),
      }),
    );
    const page: UserPage = { users: (out.Items ?? []).map(toUser) };
    const last = out.LastEvaluatedKey?.[usersTable.listingSortKey];
    if (typeof last === 'string') page.nextCursor = encodeCursor(last);
    return page;
  }

  async create(user: UserRecord): Promise<CreateUserResult> {
    try {
      await retryOnConflict(
        () =>
          this.db.send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: this.tableName, Item: toItem(user), ConditionExpression: 'attribute_not_exists(pk)' } },
                { Put: { TableName: this.tableName, Item: emailItem(user), ConditionExpression: 'attribute_not_exists(pk)' } },
              ],
            }),
          ),
        isTransactionConflict,
      );
      return 'created';
    } catch (err) {
      if (conditionFailedAt(err, 0)) return 'duplicate_id';
      if (conditionFailedAt(err, 1)) return 'duplicate_email';
      throw err;
    }
  }

  async update(previous: UserRecord, next: UserRecord): Promise<UpdateUserResult> {
    const putUser = {
      TableName: this.tableName,
      Item: toItem(next),
      // Conditional on existence as well as version: a Put on a missing key would create it.
      ConditionExpression: 'attribute_exists(pk) AND version = :expected',
      ExpressionAttributeValues: { ':expected': previous.version },
    };
    try {
      if (next.email === previous.email) {
        await retryOnConflict(() => this.db.send(new PutCommand(putUser)), isTransactionConflict);
      } else {
        await retryOnConflict(
          () =>
            this.db.send(
              new TransactWriteCommand({
                TransactItems: [
                  { Put: putUser },
                  { Put: { TableName: this.tableName, Item: emailItem(next), ConditionExpression: 'attribute_not_exists(pk)' } },
                  {
                    Delete: {
                      TableName: this.tableName,
                      Key: { pk: emailKey(previous.email) },
                      ConditionExpression: 'attribute_not_exists(pk) OR user_id = :id',
                      ExpressionAttributeValues: { ':id': previous.user_id },
                    },
                  },
                ],
              }),
            ),
          isTransactionConflict,
        );
      }
      return 'updated';
    } catch (err) {
      if (isConditionalCheckFailed(err) || conditionFailedAt(err, 0)) {
        return (await this.get(previous.user_id)) ? 'version_mismatch' : 'not_found';
      }
      if (conditionFailedAt(err, 1)) return 'duplicate_email';
      throw err;
    }
  }

  async delete(userId: string, expectedVersion?: number): Promise<DeleteUserResult> {
    // The email claim is found through the user, so read it first, then delete both only if
    // the user is still at the version read (else read again).
    return retryOnConflict(async () => {
      const current = await this.get(userId);
      if (!current) return 'not_found';
      if (expectedVersion !== undefined && current.version !== expectedVersion) return 'version_mismatch';
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: this.tableName,
                  Key: { pk: userKey(userId) },
                  ConditionExpression: 'version = :read',
                  ExpressionAttributeValues: { ':read': current.version },
                },
              },
              {
                Delete: {
                  TableName: this.tableName,
                  Key: { pk: emailKey(current.email) },
                  ConditionExpression: 'attribute_not_exists(pk) OR user_id = :id',
                  ExpressionAttributeValues: { ':id': userId },
                },
              },
            ],
          }),
        );
        return 'deleted';
      } catch (err) {
        if (conditionFailedAt(err, 0)) throw new ChangedUnderneath();
        throw err;
      }
    }, isRetryable);
  }
}

function toItem(user: UserRecord): Record<string, unknown> {
  return { pk: userKey(user.user_id), [usersTable.listingKey]: usersTable.listingPartition, ...user };
}

function emailItem(user: UserRecord): Record<string, unknown> {
  return { pk: emailKey(user.email), user_id: user.user_id };
}

function toUser(item: Record<string, unknown>): UserRecord {
  return {
    user_id: String(item.user_id),
    name: String(item.name),
    email: String(item.email),
    created_at: String(item.created_at),
    updated_at: String(item.updated_at),
    version: Number(item.version),
  };
}

/** The index's ExclusiveStartKey holds the table key and the index key of the last user. */
function startKey(userId: string): Record<string, string> {
  return { pk: userKey(userId), [usersTable.listingKey]: usersTable.listingPartition, [usersTable.listingSortKey]: userId };
}

const CURSOR_PREFIX = 'u1.';

/** Opaque to callers: a version tag and the last user id, base64url-encoded. */
export function encodeCursor(lastUserId: string): string {
  return CURSOR_PREFIX + Buffer.from(JSON.stringify({ after: lastUserId }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  if (!cursor.startsWith(CURSOR_PREFIX) || !/^[A-Za-z0-9_-]+$/.test(cursor.slice(CURSOR_PREFIX.length))) {
    throw new InvalidCursorError();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const after = (parsed as { after?: unknown } | null)?.after;
  // checked, not signed (see isPossibleUserId): an id a user can have, in this class's own encoding
  if (typeof after !== 'string' || !isPossibleUserId(after) || encodeCursor(after) !== cursor) throw new InvalidCursorError();
  return after;
}
