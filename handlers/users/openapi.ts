/**
 * The users API's OpenAPI 3.1 description, built from the valibot schemas the code validates
 * with (`validation.ts`) and answers with (`representations.ts`), converted by
 * @valibot/to-json-schema, so the description cannot drift from the code. `npm run openapi`
 * writes it to openapi.json; the users function serves it at `GET /openapi.json`.
 * https://spec.openapis.org/oas/v3.1.0
 */
import { toJsonSchemaDefs, type ConversionConfig } from '@valibot/to-json-schema';
import { usersSpec } from '../specs';
import { fieldErrorSchema, imagePageSchema, imageSchema, problemSchema, signedUploadSchema, userPageSchema, userSchema } from './representations';
import { uploadSchema } from './upload-request';
import { fullUserSchema, partialUserSchema } from './validation';

type Json = Record<string, unknown>;

/**
 * Actions with no JSON Schema counterpart: `trim` and `toLowerCase` transform the input, the
 * `check`s (not empty, at most 200 characters, no control characters, at least one field) are
 * judged after trimming, and the email is checked and normalised by code (`email.ts`, a
 * `rawTransform`); they are said in the schemas' descriptions instead.
 */
const TEXT_ONLY_ACTIONS = new Set(['trim', 'to_lower_case', 'check', 'raw_transform']);

const conversion: ConversionConfig = {
  target: 'draft-2020-12',
  overrideAction: ({ valibotAction, jsonSchema }) => (TEXT_ONLY_ACTIONS.has(valibotAction.type) ? jsonSchema : undefined),
  overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
};

function schemas(): Record<string, Json> {
  const defs = toJsonSchemaDefs(
    {
      User: userSchema,
      UserPage: userPageSchema,
      FieldError: fieldErrorSchema,
      Problem: problemSchema,
      NewUser: fullUserSchema,
      UserChanges: partialUserSchema,
      UploadRequest: uploadSchema(usersSpec.settings.uploadMaxBytes),
      SignedUpload: signedUploadSchema,
      Image: imageSchema,
      ImagePage: imagePageSchema,
    },
    conversion,
  ) as unknown as Record<string, Json>;
  const { maxBodyBytes } = usersSpec.settings;
  defs.NewUser.description = `The whole client-owned part of a record (POST, PUT). Names are trimmed and must then hold 1-200 characters and no control, invisible formatting or line separator characters; emails are trimmed, must be addresses a mail system accepts (RFC 5321), and are stored lower-cased with the domain in A-labels. Unknown fields are refused. At most ${maxBodyBytes} bytes by default.`;
  defs.UserChanges.description = 'The fields to change (PATCH): at least one of name, email; the same rules as NewUser.';
  defs.UserChanges.minProperties = 1;
  defs.UploadRequest.description = `One image to upload: its filename (1-100 characters, no control characters, path separators or "..", ending in an extension of its content type) and its size, at most the images function's limit (${usersSpec.settings.uploadMaxBytes} bytes by default).`;
  return defs;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const json = (schema: Json) => ({ 'application/json': { schema } });

/** The problem answers of an operation: `ProblemNNN` responses, each application/problem+json. */
function problems(...statuses: number[]): Record<string, Json> {
  return Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/Problem${s}` }]));
}

const PROBLEMS: Record<number, string> = {
  400: 'A query parameter is not valid, or the body is not UTF-8 or not JSON.',
  401: 'A bearer token is required, or the one given is not valid (only when the stack has a JWT issuer).',
  403: 'The token does not allow this (a caller may read and change only its own record; listing needs the admin claim), or the CORS origin is not allowed.',
  404: 'No such user.',
  409: 'The email is already in use, the caller\'s own record already exists, or the record kept changing.',
  412: 'If-Match does not name the current version.',
  413: 'The body is larger than the stack allows.',
  415: 'The body is not application/json (or another +json type).',
  422: 'The body has invalid fields, listed in `errors`.',
  500: 'The request could not be completed (a store failed).',
  501: 'This deployment has no image store for signed uploads.',
  503: 'Try again later: the issuer\'s key set is unavailable (the token could not be verified), or the store is busy.',
};

function problemResponse(status: number): Json {
  const headers: Json = {};
  if (status === 401) headers['WWW-Authenticate'] = { required: true, schema: { type: 'string' }, description: 'The Bearer challenge (RFC 6750).' };
  if (status === 503) headers['Retry-After'] = { schema: { type: 'string' }, description: 'When sent: seconds to wait (or an HTTP date) before trying again (RFC 9110 section 10.2.3).' };
  if (status === 415) headers['Accept-Patch'] = { schema: { type: 'string', const: 'application/json' }, description: 'On a PATCH: the patch format accepted (RFC 5789).' };
  return { description: PROBLEMS[status], headers, content: { 'application/problem+json': { schema: ref('Problem') } } };
}

const userAnswer = (description: string, extra: Json = {}) => ({
  description,
  headers: { ETag: header('ETag'), ...extra },
  content: json(ref('User')),
});

/** OPTIONS: the methods (204 with Allow), or a CORS preflight answer. */
function optionsOperation(operationId: string): Json {
  return {
    operationId,
    summary: 'The methods of this route, or a CORS preflight answer',
    security: [{}],
    responses: {
      '204': {
        description: 'Allow lists the methods; a preflight from an allowed origin gets the Access-Control-Allow-* headers instead.',
        headers: { Allow: { schema: { type: 'string' } }, 'Access-Control-Allow-Methods': { schema: { type: 'string' } }, 'Access-Control-Allow-Origin': { schema: { type: 'string' } } },
      },
      ...problems(403, 404),
    },
  };
}

/** A GET's HEAD twin: the same statuses and headers, no content (RFC 9110 section 9.3.2). */
function headOf(get: Json, operationId: string): Json {
  const responses = Object.fromEntries(
    Object.entries(get.responses as Record<string, Json>).map(([status, r]) => {
      if (typeof r.$ref === 'string') return [status, { $ref: r.$ref.replace('/Problem', '/HeadProblem') }];
      const { content: _none, ...rest } = r;
      return [status, rest];
    }),
  );
  return { ...get, operationId, summary: `${get.summary as string} (headers only)`, responses };
}

export function openApiDocument(): Json {
  const { defaultPageSize, maxPageSize } = usersSpec.settings;
  const listUsers = {
    operationId: 'listUsers',
    summary: 'List users, a page at a time (needs the admin claim when the stack has a JWT issuer)',
    parameters: [param('limit'), param('cursor')],
    responses: { '200': { description: 'A page of users.', content: json(ref('UserPage')) }, ...problems(400, 401, 403, 500, 503) },
  };
  const getUser = {
    operationId: 'getUser',
    summary: 'Read a user',
    parameters: [param('userId'), param('ifNoneMatch')],
    responses: {
      '200': userAnswer('The user.'),
      '304': { description: 'If-None-Match names the current version.', headers: { ETag: header('ETag') } },
      ...problems(401, 403, 404, 500, 503),
    },
  };
  const listImages = {
    operationId: 'listImages',
    summary: "The user's compressed copies, newest first, each with a signed download URL",
    parameters: [param('userId'), param('limit'), param('cursor')],
    responses: { '200': { description: 'A page of images.', content: json(ref('ImagePage')) }, ...problems(400, 401, 403, 404, 500, 501, 503) },
  };
  const getImage = {
    operationId: 'getImage',
    summary: 'Be redirected to a signed URL of one compressed copy',
    parameters: [param('userId'), { name: 'name', in: 'path', required: true, schema: { type: 'string', minLength: 1 }, description: 'The part of the key after the user\'s folder.' }],
    responses: {
      '302': {
        description: 'Location is a signed URL of the copy; it expires, so the redirect is not to be cached.',
        headers: { Location: { required: true, schema: { type: 'string', minLength: 1 } }, 'Cache-Control': { required: true, schema: { type: 'string', const: 'no-store' } } },
      },
      ...problems(401, 403, 404, 500, 501, 503),
    },
  };
  const describeApi = {
    operationId: 'getOpenApi',
    summary: 'This description (no token needed)',
    security: [{}],
    responses: { '200': { description: 'The OpenAPI 3.1 description of this API.', content: json({ type: 'object' }) }, ...problems(500) },
  };
  const update = (operationId: string, summary: string, body: string): Json => ({
    operationId,
    summary,
    parameters: [param('userId'), param('ifMatch')],
    requestBody: { required: true, content: json(ref(body)) },
    responses: { '200': userAnswer('The user as changed.'), ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 500, 503) },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'users',
      version: '1.0.0',
      description: 'User records, the same on AWS, Azure, Google Cloud and the local runtime. Errors are RFC 9457 problem details. Writes return the record\'s ETag; send it back in If-Match to change or delete only the version you saw.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'The users API of the stack (its usersApiUrl output), or the local runtime' }],
    security: [{}, { bearerAuth: [] }],
    paths: {
      '/users': {
        get: listUsers,
        head: headOf(listUsers, 'headUsers'),
        post: {
          operationId: 'createUser',
          summary: 'Create a user (a caller without the admin claim creates its own record, under its token sub)',
          requestBody: { required: true, content: json(ref('NewUser')) },
          responses: {
            '201': userAnswer('The new user.', { Location: header('Location') }),
            ...problems(400, 401, 403, 409, 413, 415, 422, 500, 503),
          },
        },
        options: optionsOperation('usersOptions'),
      },
      '/users/{userId}': {
        get: getUser,
        head: headOf(getUser, 'headUser'),
        put: update('replaceUser', 'Replace name and email (never creates)', 'NewUser'),
        patch: update('updateUser', 'Change some fields (never creates)', 'UserChanges'),
        delete: {
          operationId: 'deleteUser',
          summary: 'Delete a user',
          parameters: [param('userId'), param('ifMatch')],
          responses: { '204': { description: 'Deleted.' }, ...problems(401, 403, 404, 412, 500, 503) },
        },
        options: optionsOperation('userOptions'),
      },
      '/users/{userId}/uploads': {
        post: {
          operationId: 'requestUpload',
          summary: "Ask for a signed upload of one image into the user's folder (the owner, or an admin)",
          parameters: [param('userId')],
          requestBody: { required: true, content: json(ref('UploadRequest')) },
          responses: {
            '201': {
              description: 'The signed request: send the file with it, straight to the store, before `expires_at`.',
              headers: { Location: header('ImageLocation') },
              content: json(ref('SignedUpload')),
            },
            ...problems(400, 401, 403, 404, 413, 415, 422, 500, 501, 503),
          },
        },
        options: optionsOperation('uploadsOptions'),
      },
      '/users/{userId}/images': {
        get: listImages,
        head: headOf(listImages, 'headImages'),
        options: optionsOperation('imagesOptions'),
      },
      '/users/{userId}/images/{name}': {
        get: getImage,
        head: headOf(getImage, 'headImage'),
        options: optionsOperation('imageOptions'),
      },
      '/openapi.json': {
        get: describeApi,
        head: headOf(describeApi, 'headOpenApi'),
        options: optionsOperation('openApiOptions'),
      },
    },
    components: {
      schemas: schemas(),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Only on stacks with a JWT issuer (usersApi.jwt); other stacks take anonymous calls.' } },
      parameters: {
        userId: { name: 'userId', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
        limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, default: defaultPageSize }, description: `Users per page: 1 to the stack's maxPageSize (${maxPageSize} by default).` },
        cursor: { name: 'cursor', in: 'query', schema: { type: 'string', minLength: 1 }, description: 'The `next_cursor` of the previous page.' },
        ifMatch: { name: 'If-Match', in: 'header', schema: { type: 'string' }, description: 'Change only this version: `"v<version>"` or `*` (strong comparison, RFC 9110 section 13.1.1).' },
        ifNoneMatch: { name: 'If-None-Match', in: 'header', schema: { type: 'string' }, description: 'Answer 304 when this is the current version (weak comparison).' },
      },
      headers: {
        ETag: { required: true, schema: { type: 'string', pattern: '^"v[0-9]+"$' }, description: 'The record\'s version as a strong entity tag.' },
        Location: { required: true, schema: { type: 'string', pattern: '^/users/[^/]+$' }, description: 'The new record\'s path.' },
        ImageLocation: { required: true, schema: { type: 'string', pattern: '^/users/[^/]+/images/[^/]+$' }, description: 'Where the compressed copy will be (404 until the images function has made it).' },
      },
      responses: {
        ...Object.fromEntries(Object.keys(PROBLEMS).map((s) => [`Problem${s}`, problemResponse(Number(s))])),
        ...Object.fromEntries(Object.keys(PROBLEMS).map((s) => [`HeadProblem${s}`, { description: PROBLEMS[Number(s)], headers: problemResponse(Number(s)).headers }])),
      },
    },
  };
}
