/**
 * The Firestore errors that mean "another writer got there first; read again and retry", by gRPC
 * status code (https://cloud.google.com/firestore/docs/understand-error-codes):
 * - ABORTED (10): a transaction lost a contention race or waited too long for a lock;
 * - FAILED_PRECONDITION (9): a write's `lastUpdateTime` precondition no longer holds, the
 *   document changed since it was read;
 * - ALREADY_EXISTS (6): a `create` found the document written meanwhile.
 */
function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** ABORTED: the transactions of the user repository retry on it. */
export function isAborted(err: unknown): boolean {
  return codeOf(err) === 10;
}

/** Any of the three: the order ledger's optimistic writes retry on them. */
export function isWriteConflict(err: unknown): boolean {
  const code = codeOf(err);
  return code === 10 || code === 9 || code === 6;
}
