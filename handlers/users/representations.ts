/**
 * What the users API answers, as valibot schemas: the user record, a page of users and the
 * problem document. `openapi.ts` converts them (with the request schemas of `validation.ts`)
 * into the OpenAPI description, so the description and the code share one source.
 */
import * as v from 'valibot';

/** The record as stored and answered (`UserRecord` of the repository port). */
export const userSchema = v.strictObject({
  user_id: v.pipe(v.string(), v.minLength(1), v.description('The id: generated, or the caller\'s token `sub` for its own record.')),
  name: v.pipe(v.string(), v.description('1-200 characters, trimmed, without control characters.')),
  email: v.pipe(v.string(), v.email(), v.description('Stored lower-cased; unique among users.')),
  created_at: v.pipe(v.string(), v.isoTimestamp()),
  updated_at: v.pipe(v.string(), v.isoTimestamp()),
  version: v.pipe(v.number(), v.integer(), v.minValue(1), v.description('Incremented by every write; the ETag is `"v<version>"`.')),
});

/** One page of `GET /users`; `next_cursor` is present only when more users follow. */
export const userPageSchema = v.strictObject({
  users: v.array(userSchema),
  count: v.pipe(v.number(), v.integer(), v.minValue(0)),
  next_cursor: v.optional(v.pipe(v.string(), v.minLength(1), v.description('Opaque: pass it back as `cursor` for the next page.'))),
});

/** One invalid field of a request body (`problem.ts`'s FieldError). */
export const fieldErrorSchema = v.strictObject({
  field: v.pipe(v.string(), v.description('A dotted path into the body, or `body` for the body itself.')),
  message: v.string(),
});

/**
 * RFC 9457 problem details. Not strict: the RFC lets a problem carry extension members. `detail`
 * and `instance` are optional because a platform entry point that catches a crash answers with
 * only the request id.
 */
export const problemSchema = v.object({
  type: v.pipe(v.string(), v.description('`about:blank`: the title is the status phrase (RFC 9457 section 4.2.1).')),
  title: v.string(),
  status: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)),
  detail: v.optional(v.string()),
  instance: v.optional(v.string()),
  errors: v.optional(v.array(fieldErrorSchema)),
});

/** `POST /users/{id}/uploads`: the signed request for one new original (handlers/ports/object-urls.ts). */
export const signedUploadSchema = v.strictObject({
  key: v.pipe(v.string(), v.description('Where the original lands: `<user_id>/<newest-first id>-<sanitised filename>`.')),
  upload: v.strictObject({
    method: v.picklist(['POST', 'PUT']),
    url: v.string(),
    headers: v.pipe(v.record(v.string(), v.string()), v.description('Send these with a PUT.')),
    fields: v.pipe(v.record(v.string(), v.string()), v.description('A POST is multipart/form-data: these fields first, the file last (named `file`).')),
  }),
  expires_at: v.pipe(v.string(), v.isoTimestamp()),
});

/** One compressed copy of the caller's, with a signed download URL. */
export const imageSchema = v.strictObject({
  key: v.string(),
  original_key: v.string(),
  url: v.pipe(v.string(), v.description('A signed GET URL, valid until `expires_at`.')),
  width: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
  height: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
  bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  expires_at: v.pipe(v.string(), v.isoTimestamp()),
});

/** A page of `GET /users/{id}/images`, newest first. */
export const imagePageSchema = v.strictObject({
  images: v.array(imageSchema),
  count: v.pipe(v.number(), v.integer(), v.minValue(0)),
  next_cursor: v.optional(v.pipe(v.string(), v.minLength(1))),
});
