/**
 * What an entry point may do with a malformed event or message, whatever the cloud: process it,
 * skip it with a reason, dead-letter it with a reason, or throw a transient error so that the
 * platform retries it (handlers/errors.ts: anything not permanent is treated as transient). What it
 * must never do: throw a permanent error (it should have dead-lettered it itself), or crash on the
 * input's shape, i.e. throw one of JavaScript's own errors (a TypeError from reading a field of
 * `null`, calling `.replace` on a number...): that is the adapter failing to decide, not deciding
 * to retry, and a retry of the same input can only crash again.
 */
import { expect } from 'chai';
import { isPermanent, reasonOf } from '../../handlers/errors';
import type { LogFields, Logger } from '../../handlers/ports/logger';

/** The input, short enough for a failure message. */
export function shown(input: unknown, max = 300): string {
  let text: string;
  try {
    text = JSON.stringify(input) ?? String(input);
  } catch {
    text = String(input);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** JavaScript's own errors: thrown by the runtime when code meets a value it did not expect. */
export function isCrash(err: unknown): boolean {
  return err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError || err instanceof URIError;
}

/**
 * The check for an error an entry point threw at `input`: a transient one with a reason, the
 * platform's retry path. Returns the reason.
 */
export function expectTransientThrow(err: unknown, input: unknown, entryPoint: string): string {
  const what = `${entryPoint} threw ${reasonOf(err)}\n      on input ${shown(input)}`;
  expect(isCrash(err), `crash (not a decision) in ${what}`).to.equal(false);
  expect(isPermanent(err), `permanent error escaped (should be dead-lettered) in ${what}`).to.equal(false);
  expect(reasonOf(err), what).to.be.a('string').and.not.equal('');
  return reasonOf(err);
}

/** A logger that keeps every line's fields (children included), to read an outcome the entry point only logs. */
export function recordingLogger(lines: LogFields[] = [], base: LogFields = {}): Logger & { lines: LogFields[] } {
  const keep = (msg: string, fields?: LogFields) => void lines.push({ msg, ...base, ...fields });
  return { lines, info: keep, warn: keep, error: keep, child: (fields) => recordingLogger(lines, { ...base, ...fields }) };
}
