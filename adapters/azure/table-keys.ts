/**
 * Table storage key rules and the errors the Table service answers with.
 * PartitionKey and RowKey may not contain `/`, `\`, `#`, `?` or control characters, and are at
 * most 1 KiB: https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#characters-disallowed-in-key-fields
 * Those characters (and `%`, the escape itself) are percent-encoded; every other character is kept,
 * so ids made of letters, digits, `-`, `_` and `.` sort exactly as they do in JavaScript.
 */

const DISALLOWED = /[%/\\#?\u0000-\u001f\u007f-\u009f]/g;

export function keyPart(value: string): string {
  return value.replace(DISALLOWED, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase());
}

export function fromKeyPart(encoded: string): string {
  return encoded.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The HTTP status of a failed Table call (a RestError), or undefined. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** 412: the entity changed since it was read (its ETag no longer matches). */
export const isStale = (err: unknown) => statusOf(err) === 412;
/** 409: an entity the write creates exists already. */
export const isTaken = (err: unknown) => statusOf(err) === 409;
/** 404: an entity the write updates or deletes is gone. */
export const isGone = (err: unknown) => statusOf(err) === 404;
