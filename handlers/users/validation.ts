/**
 * What a user body must hold, with valibot. Objects are strict: an unknown field (a typo, or an
 * attempt to set `user_id` or `version`) is refused rather than silently dropped.
 */
import * as v from 'valibot';
import { checkEmail } from './email';
import { HttpProblem, type FieldError } from './problem';

/**
 * C0 and C1 control characters (Unicode general category Cc: U+0000-U+001F, U+007F-U+009F).
 * In a name they are never text: a NUL truncates it in C-based tools, CR/LF forge lines in logs
 * and CSV exports, ESC sequences drive terminals.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Invisible characters that change how a name reads (Unicode general category Cf) and the line
 * and paragraph separators (Zl, Zp): U+202E RIGHT-TO-LEFT OVERRIDE turns `Evil\u202Egnp.exe`
 * into "Evilexe.png", U+200B ZERO WIDTH SPACE makes two names that look the same differ, U+2028
 * breaks lines in logs and JavaScript strings. Two format characters are text and are kept:
 * U+200D ZERO WIDTH JOINER (emoji sequences such as 👩‍💻) and U+200C ZERO WIDTH NON-JOINER (needed
 * to write Persian and several Indic scripts correctly); so are the tag characters of an emoji
 * subdivision flag (🏴 followed by tags ending in U+E007F, e.g. the flag of Scotland).
 * https://www.unicode.org/reports/tr36/ (Unicode Security Considerations, bidi spoofing)
 */
const FORMAT_OR_SEPARATOR = /[\p{Cf}\p{Zl}\p{Zp}]/u;
const KEPT_FORMAT = /[\u200C\u200D]|\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;

/**
 * 1-200 characters once trimmed, counted in code points so that an emoji counts as one, and no
 * control, invisible format or separator character (checked after trimming: surrounding
 * whitespace such as a trailing newline is removed, not refused).
 */
const name = v.pipe(
  v.string('name must be a string'),
  v.trim(),
  v.check((s) => s.length > 0, 'name must not be empty'),
  v.check((s) => [...s].length <= 200, 'name must be at most 200 characters'),
  v.check((s) => !CONTROL_CHARACTER.test(s), 'name must not contain control characters'),
  v.check(
    (s) => !FORMAT_OR_SEPARATOR.test(s.replace(KEPT_FORMAT, '')),
    'name must not contain invisible formatting characters (such as U+200B or U+202E) or line separators',
  ),
);

/** An address a mail system accepts (RFC 5321; see ./email.ts), stored lower-cased with its domain in A-labels. */
const email = v.pipe(
  v.string('email must be a string'),
  v.trim(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const checked = checkEmail(dataset.value);
    if (checked.ok) return checked.address;
    addIssue({ message: `email must be a valid email address: ${checked.problem}` });
    return NEVER;
  }),
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
