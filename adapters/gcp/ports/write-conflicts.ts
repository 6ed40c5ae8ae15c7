/**
 * The Firestore errors that mean "another writer got there first; read again and retry", by
 * canonical status (https://cloud.google.com/firestore/docs/understand-error-codes):
 * - ABORTED (10): the commit lost a contention race (the service may answer it to any write);
 * - FAILED_PRECONDITION (9): a write's `lastUpdateTime` precondition no longer holds, the
 *   document changed since it was read;
 * - ALREADY_EXISTS (6): a `create` found the document written meanwhile.
 * And NOT_FOUND (5), for the user repository: an `update` found its document deleted meanwhile.
 *
 * Over gRPC the client's error carries the status as its numeric `code`. Over REST (the transport
 * the functions use, ../client-settings.ts) google-gax 5 hands back the HTTP client's GaxiosError
 * instead: its `code` is the HTTP status (409 for both ABORTED and ALREADY_EXISTS, 400 for
 * FAILED_PRECONDITION) and the canonical status is only in the JSON body, which Google's REST
 * APIs send as `{"error": {"code": 409, "message": ..., "status": "ALREADY_EXISTS"}}`
 * (https://google.aip.dev/193) and which GaxiosError keeps as its message
 * (googleapis/google-cloud-node-core#173: GaxiosError.code became the HTTP status). So the status
 * is read from either.
 */
type Canonical = 'NOT_FOUND' | 'ALREADY_EXISTS' | 'FAILED_PRECONDITION' | 'ABORTED';

const BY_GRPC_CODE: Record<number, Canonical> = { 5: 'NOT_FOUND', 6: 'ALREADY_EXISTS', 9: 'FAILED_PRECONDITION', 10: 'ABORTED' };

/** The canonical status of a Firestore error, from gRPC or REST; undefined for anything else. */
export function canonicalStatusOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, response, message } = err as { code?: unknown; response?: unknown; message?: unknown };
  // A GaxiosError (it has the HTTP response): the status named in the body.
  if (response !== undefined) return restStatus(message);
  return typeof code === 'number' ? BY_GRPC_CODE[code] : undefined;
}

function restStatus(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { status?: unknown } };
    return typeof parsed.error?.status === 'string' ? parsed.error.status : undefined;
  } catch {
    return undefined;
  }
}

/** Any of the three: the ledger's and the user repository's optimistic writes retry on them. */
export function isWriteConflict(err: unknown): boolean {
  const status = canonicalStatusOf(err);
  return status === 'ABORTED' || status === 'FAILED_PRECONDITION' || status === 'ALREADY_EXISTS';
}

/** NOT_FOUND: an `update` found its document gone; a re-read then answers "not found". */
export function isNotFound(err: unknown): boolean {
  return canonicalStatusOf(err) === 'NOT_FOUND';
}
