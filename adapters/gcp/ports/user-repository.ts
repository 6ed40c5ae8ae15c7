/**
 * UserRepository on Firestore (native mode). `users/{user_id}` holds the record; the email's
 * uniqueness is a claim document `user_emails/{sha256(email)}` written and deleted in the SAME
 * transaction as the user, so two users can never hold one address. Updates go through a
 * transaction's `update`, which carries an exists precondition: a missing user is never upserted.
 */
// Types only: a value import would put `require('@google-cloud/firestore')` at the top of every
// function's bundle (see ../sdk.ts); FieldPath is loaded when a list runs.
import type { DocumentData, Firestore, Transaction } from '@google-cloud/firestore';
import {
  InvalidCursorError,
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
import { isAborted } from './write-conflicts';

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
    const snap = await this.db.collection(this.collections.users).doc(id).get();
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
    return this.transact(async (tx) => {
      const userRef = this.db.collection(this.collections.users).doc(id);
      const claimRef = this.claimRef(user.email);
      const [existing, claim] = await tx.getAll(userRef, claimRef);
      if (existing.exists) return 'duplicate_id';
      if (claim.exists) return 'duplicate_email';
      tx.create(userRef, fromRecord(user));
      tx.create(claimRef, { user_id: user.user_id });
      return 'created';
    });
  }

  async update(previous: UserRecord, next: UserRecord): Promise<UpdateUserResult> {
    const id = plainDocumentId(previous.user_id);
    if (!id) return 'not_found';
    return this.transact(async (tx) => {
      const userRef = this.db.collection(this.collections.users).doc(id);
      const newClaimRef = this.claimRef(next.email);
      const [stored, newClaim] = await tx.getAll(userRef, newClaimRef);
      if (!stored.exists) return 'not_found';
      const current = toRecord(stored.data()!);
      if (current.version !== previous.version) return 'version_mismatch';
      if (current.email.toLowerCase() !== next.email.toLowerCase()) {
        if (newClaim.exists && newClaim.get('user_id') !== current.user_id) return 'duplicate_email';
        tx.delete(this.claimRef(current.email));
        tx.set(newClaimRef, { user_id: current.user_id });
      }
      // `update` fails with NOT_FOUND rather than creating the document.
      tx.update(userRef, fromRecord(next));
      return 'updated';
    });
  }

  async delete(userId: string, expectedVersion?: number): Promise<DeleteUserResult> {
    const id = plainDocumentId(userId);
    if (!id) return 'not_found';
    return this.transact(async (tx) => {
      const userRef = this.db.collection(this.collections.users).doc(id);
      const stored = await tx.get(userRef);
      if (!stored.exists) return 'not_found';
      const current = toRecord(stored.data()!);
      if (expectedVersion !== undefined && current.version !== expectedVersion) return 'version_mismatch';
      tx.delete(userRef);
      tx.delete(this.claimRef(current.email));
      return 'deleted';
    });
  }

  private claimRef(email: string) {
    return this.db.collection(this.collections.emails).doc(emailClaimId(email));
  }

  /** The client retries ABORTED itself (5 attempts); a longer contention goes to retryOnConflict. */
  private transact<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return retryOnConflict(() => this.db.runTransaction(work), isAborted);
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

function encodeCursor(lastId: string): string {
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
  if (typeof after !== 'string' || !plainDocumentId(after)) throw new InvalidCursorError();
  return after;
}
