/**
 * Where user records live: DynamoDB, Table storage, Firestore, or SQLite.
 *
 * Expected outcomes (a duplicate email, a stale version) are returned, not thrown, so that the
 * core maps each to its HTTP status; a thrown error means the store itself failed.
 */

export interface UserRecord {
  user_id: string;
  name: string;
  /** Stored lower-cased; unique across all users. */
  email: string;
  created_at: string;
  updated_at: string;
  /** 1 on create, +1 on every update; the ETag is derived from it. */
  version: number;
}

export interface UserPage {
  users: UserRecord[];
  /** Opaque; absent on the last page. Only the implementation that issued it understands it. */
  nextCursor?: string;
}

export type CreateUserResult = 'created' | 'duplicate_id' | 'duplicate_email';
export type UpdateUserResult = 'updated' | 'not_found' | 'version_mismatch' | 'duplicate_email';
export type DeleteUserResult = 'deleted' | 'not_found' | 'version_mismatch';

/** Thrown by `list` for a cursor this implementation did not issue (the core answers 400). */
export class InvalidCursorError extends Error {
  constructor(message = 'the cursor is not valid') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

/**
 * Every id a user record can have: a generated id, or a token's `sub` that can address a record.
 * OpenID Connect caps `sub` at 255 ASCII characters (Core 1.0, section 2); a `/` would split the
 * record's path, `.` and `..` vanish in URL normalisation, and a control character is no id.
 *
 * Stores use it to check cursors: cursors are not signed (no store has a secret every instance
 * shares), so each store accepts only a cursor in its own canonical encoding whose position is an
 * id it could hold. A crafted cursor of that form only starts a page after an id of the caller's
 * choosing, which the listing itself would show anyway.
 */
export function isPossibleUserId(id: string): boolean {
  if (id.length === 0 || id.length > 255 || id === '.' || id === '..') return false;
  return !id.includes('/') && !/\p{Cc}/u.test(id);
}

export interface UserRepository {
  get(userId: string): Promise<UserRecord | undefined>;
  /**
   * A page of users in a stable order (ascending `user_id`): every user present for the whole
   * walk is returned exactly once when following `nextCursor` to the end.
   */
  list(options: { limit: number; cursor?: string }): Promise<UserPage>;
  /** Fails on a taken id or a taken email, changing nothing. */
  create(user: UserRecord): Promise<CreateUserResult>;
  /**
   * Replaces `previous` with `next` only while the stored version is still `previous.version`
   * (never an upsert: a missing user is `not_found`). Moves the email's uniqueness claim when
   * the email changes, in the same atomic write.
   */
  update(previous: UserRecord, next: UserRecord): Promise<UpdateUserResult>;
  /** Deletes the user (and its email claim); with `expectedVersion`, only at that version. */
  delete(userId: string, expectedVersion?: number): Promise<DeleteUserResult>;
}
