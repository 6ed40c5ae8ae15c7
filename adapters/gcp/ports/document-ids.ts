/**
 * Firestore document ids from domain ids. A document id may not contain `/`, may not be `.` or
 * `..`, may not match `__.*__`, and is at most 1,500 bytes
 * (https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields).
 */
import { createHash } from 'node:crypto';

/** The id itself when Firestore accepts it, else undefined (the caller treats it as absent). */
export function plainDocumentId(id: string): string | undefined {
  if (!id || id.includes('/') || id === '.' || id === '..' || /^__.*__$/.test(id)) return undefined;
  return Buffer.byteLength(id) <= 1500 ? id : undefined;
}

/** Any id made safe, reversibly: percent-encoded, with `.` and `_` encoded too. */
export function encodedDocumentId(id: string): string {
  const encoded = encodeURIComponent(id).replace(/[._]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  // An id over the limit is hashed: stock and order ids are short in practice.
  return Buffer.byteLength(encoded) <= 1500 ? encoded : `sha256-${createHash('sha256').update(id).digest('hex')}`;
}

/** The document id of an email's uniqueness claim: a hash, since emails may contain `/`. */
export function emailClaimId(email: string): string {
  return createHash('sha256').update(email.toLowerCase()).digest('hex');
}
