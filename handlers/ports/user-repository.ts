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
