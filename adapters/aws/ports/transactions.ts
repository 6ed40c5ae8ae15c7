/**
 * Reading DynamoDB's answer to a cancelled transaction. TransactWriteItems fails as a whole with
 * TransactionCanceledException and one CancellationReason per action, in request order: `None`,
 * `ConditionalCheckFailed`, `TransactionConflict` (another transaction held an item), ...
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */

interface CancellationReason {
  Code?: string;
}

function nameOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { name?: string }).name : undefined;
}

/** The per-action codes of a cancelled transaction; undefined for any other error. */
export function cancellationCodes(err: unknown): (string | undefined)[] | undefined {
  if (nameOf(err) !== 'TransactionCanceledException') return undefined;
  const reasons = (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  return reasons.map((r) => r?.Code);
}

/**
 * A write that lost a race with another transaction: worth retrying as it is. A plain write that
 * meets an item inside a transaction fails with TransactionConflictException.
 */
export function isTransactionConflict(err: unknown): boolean {
  const name = nameOf(err);
  if (name === 'TransactionConflictException' || name === 'TransactionInProgressException') return true;
  return cancellationCodes(err)?.includes('TransactionConflict') ?? false;
}

/** True when action `index` of a cancelled transaction failed its condition. */
export function conditionFailedAt(err: unknown, index: number): boolean {
  return cancellationCodes(err)?.[index] === 'ConditionalCheckFailed';
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return nameOf(err) === 'ConditionalCheckFailedException';
}
