/**
 * Errors that tell an adapter what to do with a failed delivery.
 *
 * - PermanentError: the input itself is bad (a corrupt image, a malformed order). Retrying can
 *   only fail again, so the adapter dead-letters it at once with `reason`.
 * - TransientError: something outside the input failed (a store is down, a write conflict ran
 *   out of retries). The adapter lets the platform retry; after its maximum attempts the
 *   platform's own dead-letter path takes the message.
 *
 * Any other error is treated as transient: an unknown failure is more likely a bug or an outage
 * than bad input, and a retry costs less than a lost message.
 */

export type FailureKind = 'permanent' | 'transient';

export class PermanentError extends Error {
  readonly kind: FailureKind = 'permanent';
  /** The reason that ends up in the dead-letter envelope. */
  readonly reason: string;
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'PermanentError';
    this.reason = reason;
  }
}

export class TransientError extends Error {
  readonly kind: FailureKind = 'transient';
  readonly reason: string;
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'TransientError';
    this.reason = reason;
  }
}

/**
 * True for errors that must not be retried. Checks the `kind` field as well as the class so
 * that an error thrown by a second copy of this module (two bundles in one process) still counts.
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof PermanentError) return true;
  return typeof err === 'object' && err !== null && (err as { kind?: unknown }).kind === 'permanent';
}

/** A one-line reason for a log line or a dead-letter envelope. */
export function reasonOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { reason?: unknown; message?: unknown; name?: unknown };
    if (typeof e.reason === 'string' && e.reason) return e.reason;
    if (typeof e.message === 'string' && e.message) {
      return typeof e.name === 'string' && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
    }
  }
  return String(err);
}

/**
 * A store that cannot serve right now and says when to try again (a locked database, a
 * throttled table): a delivery is retried later; an HTTP request answers 503 with `Retry-After`
 * (RFC 9110 section 10.2.3).
 */
export class UnavailableError extends TransientError {
  constructor(
    reason: string,
    /** Whole seconds before a retry is worth it. */
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'UnavailableError';
  }
}

/** The `retryAfterSeconds` of an UnavailableError (also from a second copy of this module), else undefined. */
export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof UnavailableError) return err.retryAfterSeconds;
  const seconds = (err as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof err === 'object' && typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : undefined;
}
