/**
 * What a user body must hold, with valibot. Objects are strict: an unknown field (a typo, or an
 * attempt to set `user_id` or `version`) is refused rather than silently dropped.
 */
import * as v from 'valibot';
import { HttpProblem, type FieldError } from './problem';

/**
 * C0 and C1 control characters (Unicode general category Cc: U+0000-U+001F, U+007F-U+009F).
 * In a name they are never text: a NUL truncates it in C-based tools, CR/LF forge lines in logs
 * and CSV exports, ESC sequences drive terminals.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * 1-200 characters once trimmed, counted in code points so that an emoji counts as one, and no
 * control character (checked after trimming: surrounding whitespace such as a trailing newline
 * is removed, not refused).
 */
const name = v.pipe(
  v.string('name must be a string'),
  v.trim(),
  v.check((s) => s.length > 0, 'name must not be empty'),
  v.check((s) => [...s].length <= 200, 'name must be at most 200 characters'),
  v.check((s) => !CONTROL_CHARACTER.test(s), 'name must not contain control characters'),
);

/** A valid address, stored lower-cased; 254 is the longest address SMTP can carry (RFC 5321 4.5.3.1.3). */
const email = v.pipe(
  v.string('email must be a string'),
  v.trim(),
  v.maxLength(254, 'email must be at most 254 characters'),
  v.email('email must be a valid email address'),
  v.toLowerCase(),
);

const unknownField = 'unknown field';

/** POST and PUT: the whole record's client-owned part. */
export const fullUserSchema = v.strictObject({ name, email }, unknownField);

/** PATCH: any subset, but at least one field. */
export const partialUserSchema = v.pipe(
  v.strictObject({ name: v.optional(name), email: v.optional(email) }, unknownField),
  v.check((u) => u.name !== undefined || u.email !== undefined, 'at least one of name, email is required'),
);

export type UserInput = v.InferOutput<typeof fullUserSchema>;
export type UserPatch = v.InferOutput<typeof partialUserSchema>;

/** The parsed input, or a 422 listing every field that is wrong. */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HttpProblem(422, 'the body must be a JSON object', {}, [
      { field: 'body', message: 'must be a JSON object' },
    ]);
  }
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return result.output;
  const errors: FieldError[] = result.issues.map((issue) => ({
    field: v.getDotPath(issue) ?? 'body',
    // valibot reports a missing key and an unknown key with the object's one message; a missing
    // key is the one whose expected value is not `never`.
    message: issue.type === 'strict_object' && issue.expected !== 'never' ? 'is required' : issue.message,
  }));
  throw new HttpProblem(422, 'the body has invalid fields', {}, errors);
}
