/**
 * The Firestore errors that mean "another writer got there first; read again and retry", by gRPC
 * status code (https://cloud.google.com/firestore/docs/understand-error-codes):
 * - ABORTED (10): the commit lost a contention race (the service may answer it to any write);
 * - FAILED_PRECONDITION (9): a write's `lastUpdateTime` precondition no longer holds, the
 *   document changed since it was read;
 * - ALREADY_EXISTS (6): a `create` found the document written meanwhile.
 * And NOT_FOUND (5), for the user repository: an `update` found its document deleted meanwhile.
 */
function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** Any of the three: the ledger's and the user repository's optimistic writes retry on them. */
export function isWriteConflict(err: unknown): boolean {
  const code = codeOf(err);
  return code === 10 || code === 9 || code === 6;
}

/** NOT_FOUND: an `update` found its document gone; a re-read then answers "not found". */
export function isNotFound(err: unknown): boolean {
  return codeOf(err) === 5;
}
