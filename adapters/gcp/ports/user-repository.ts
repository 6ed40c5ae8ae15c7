/**
 * UserRepository on Firestore (native mode). `users/{user_id}` holds the record; the email's
 * uniqueness is a claim document `user_emails/{sha256(email)}` written and deleted in the SAME
 * atomic batch as the user, so two users can never hold one address.
 *
 * Every write is optimistic, as in the order ledger (./order-ledger.ts says why not
 * `runTransaction`): read the documents, then one batched write whose preconditions fail it if
 * another writer came in between. A new user and a new claim are `create`s (ALREADY_EXISTS); a
 * change or delete of the user carries the `lastUpdateTime` of the read (FAILED_PRECONDITION),
 * and an `update` never creates a missing user. On a conflict `retryOnConflict` reads again and
 * decides afresh: the If-Match check then sees the other writer's version.
 */
// Types only: a value import would put `require('@google-cloud/firestore')` at the top of every
// function's bundle (see ../sdk.ts); FieldPath is loaded when a list runs.
import type { DocumentData, DocumentReference, Firestore, Timestamp } from '@google-cloud/firestore';
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
import { retryOnConflict } from '../../../handlers/retry';
import { loadFirestore } from '../sdk';
import { emailClaimId, plainDocumentId } from './document-ids';
import { isNotFound, isWriteConflict } from './write-conflicts';

export interface FirestoreUserCollections {
  users: string;
  emails: string;
}

export const defaultUserCollections: FirestoreUserCollections = { users: 'users', emails: 'user_emails' };

const CURSOR_PREFIX = 'fsu1.';

export class FirestoreUserRepository implements UserRepository {
  constructor(
    private readonly db: Firestore,
    private readonly collections: FirestoreUserCollections = defaultUserCollections,
  ) {}

  async get(userId: string): Promise<UserRecord | undefined> {
    const id = plainDocumentId(userId);
    if (!id) return undefined;
    const snap = await this.userRef(id).get();
    return snap.exists ? toRecord(snap.data()!) : undefined;
  }

  async list({ limit, cursor }: { limit: number; cursor?: string }): Promise<UserPage> {
    let query = this.db.collection(this.collections.users).orderBy(loadFirestore().FieldPath.documentId()).limit(limit + 1);
    if (cursor !== undefined) query = query.startAfter(decodeCursor(cursor));
    const snap = await query.get();
    const docs = snap.docs.slice(0, limit);
    const page: UserPage = { users: docs.map((d) => toRecord(d.data())) };
    if (snap.docs.length > limit) page.nextCursor = encodeCursor(docs[docs.length - 1].id);
    return page;
  }

  async create(user: UserRecord): Promise<CreateUserResult> {
    const id = plainDocumentId(user.user_id);
    if (!id) throw new Error(`user id ${JSON.stringify(user.user_id)} cannot be a Firestore document id`);
    const userRef = this.userRef(id);
    const claimRef = this.claimRef(user.email);
    return this.optimistically(async () => {
      const [existing, claim] = await this.db.getAll(userRef, claimRef);
      if (existing.exists) return 'duplicate_id';
      if (claim.exists) return 'duplicate_email';
      // Both fail with ALREADY_EXISTS if written meanwhile; the re-read then says which.
      await this.db.batch().create(userRef, fromRecord(user)).create(claimRef, { user_id: user.user_id }).commit();
      return 'created';
    });
  }

  async update(previous: UserRecord, next: UserRecord): Promise<UpdateUserResult> {
    const id = plainDocumentId(previous.user_id);
    if (!id) return 'not_found';
    const userRef = this.userRef(id);
    const newClaimRef = this.claimRef(next.email);
    return this.optimistically(async () => {
      const [stored, newClaim] = await this.db.getAll(userRef, newClaimRef);
      if (!stored.exists) return 'not_found';
      const current = toRecord(stored.data()!);
      if (current.version !== previous.version) return 'version_mismatch';
      // `update` with the read's update time: NOT_FOUND if deleted, FAILED_PRECONDITION if changed.
      const batch = this.db.batch().update(userRef, fromRecord(next), { lastUpdateTime: stored.updateTime as Timestamp });
      if (current.email.toLowerCase() !== next.email.toLowerCase()) {
        if (newClaim.exists && newClaim.get('user_id') !== current.user_id) return 'duplicate_email';
        // The old claim is this user's as long as the user is unchanged, which the update checks.
        batch.delete(this.claimRef(current.email));
        if (newClaim.exists) batch.update(newClaimRef, { user_id: current.user_id }, { lastUpdateTime: newClaim.updateTime as Timestamp });
        else batch.create(newClaimRef, { user_id: current.user_id });
      }
      await batch.commit();
      return 'updated';
    }, isNotFound);
  }

  async delete(userId: string, expectedVersion?: number): Promise<DeleteUserResult> {
    const id = plainDocumentId(userId);
    if (!id) return 'not_found';
    const userRef = this.userRef(id);
    return this.optimistically(async () => {
      const [stored] = await this.db.getAll(userRef);
      if (!stored.exists) return 'not_found';
      const current = toRecord(stored.data()!);
      if (expectedVersion !== undefined && current.version !== expectedVersion) return 'version_mismatch';
      await this.db
        .batch()
        .delete(userRef, { lastUpdateTime: stored.updateTime as Timestamp })
        .delete(this.claimRef(current.email))
        .commit();
      return 'deleted';
    });
  }

  private userRef(id: string): DocumentReference {
    return this.db.collection(this.collections.users).doc(id);
  }

  private claimRef(email: string): DocumentReference {
    return this.db.collection(this.collections.emails).doc(emailClaimId(email));
  }

  /**
   * Runs `attempt` again after a write conflict, and also after the errors `alsoRetry` names (an
   * update whose user was deleted meanwhile: the re-read answers not_found).
   */
  private optimistically<T>(attempt: () => Promise<T>, alsoRetry: (err: unknown) => boolean = () => false): Promise<T> {
    return retryOnConflict(attempt, (err) => isWriteConflict(err) || alsoRetry(err));
  }
}

function fromRecord(u: UserRecord): Record<string, unknown> {
  return {
    user_id: u.user_id,
    name: u.name,
    email: u.email,
    created_at: u.created_at,
    updated_at: u.updated_at,
    version: u.version,
  };
}

function toRecord(data: DocumentData): UserRecord {
  return {
    user_id: data.user_id,
    name: data.name,
    email: data.email,
    created_at: data.created_at,
    updated_at: data.updated_at,
    version: data.version,
  };
}

export function encodeCursor(lastId: string): string {
  return CURSOR_PREFIX + Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

/** A cursor this repository issued, else InvalidCursorError (the core answers 400). */
function decodeCursor(cursor: string): string {
  if (!cursor.startsWith(CURSOR_PREFIX)) throw new InvalidCursorError();
  const raw = cursor.slice(CURSOR_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw new InvalidCursorError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const after = (parsed as { after?: unknown } | null)?.after;
  // checked, not signed (see isPossibleUserId): an id a user can have, in this class's own encoding
  if (typeof after !== 'string' || !plainDocumentId(after) || !isPossibleUserId(after) || encodeCursor(after) !== cursor) throw new InvalidCursorError();
  return after;
}
