/**
 * The five operations on user records, over the UserRepository port. Each returns a response
 * or throws an HttpProblem. Conditional requests follow RFC 9110 section 13.2.1: preconditions
 * are ignored when the answer would not be 2xx or 412 without them, so an unknown user is a 404
 * even with `If-Match: *`.
 */
import type { HttpRequest, HttpResponse } from '../events';
import type { Clock } from '../ports/clock';
import type { Ids } from '../ports/ids';
import { InvalidCursorError, type UserRecord, type UserRepository } from '../ports/user-repository';
import type { UsersSettings } from '../specs';
import { readJsonBody } from './body';
import { etagOf, ifMatchHolds, ifNoneMatchHolds } from './etag';
import { HttpProblem } from './problem';
import { fullUserSchema, partialUserSchema, validate, type UserPatch } from './validation';

export interface OperationDeps {
  users: UserRepository;
  clock: Clock;
  ids: Ids;
  settings: UsersSettings;
}

/**
 * Without If-Match, a version race (another writer between our read and our write) is retried
 * as a fresh read-modify-write this many times, then answered 409. With If-Match the client
 * named the version it saw, so a race is its 412.
 */
const RACE_ATTEMPTS = 3;
/** A freshly generated id that collides is regenerated this many times (UUIDs: never in practice). */
const ID_ATTEMPTS = 3;

function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

const duplicateEmail = (email: string) => new HttpProblem(409, `the email ${email} is already in use`);
const notFound = (id: string) => new HttpProblem(404, `user ${id} does not exist`);
const staleIfMatch = (id: string) => new HttpProblem(412, `user ${id} does not match If-Match`);

/** `?limit=&cursor=` of a paginated listing (`/users`, `/users/{id}/images`), refused with 400 when malformed. */
export function pageQuery(request: HttpRequest, settings: Pick<UsersSettings, 'defaultPageSize' | 'maxPageSize'>): { limit: number; cursor?: string } {
  const { defaultPageSize, maxPageSize } = settings;
  const rawLimit = request.query['limit'];
  let limit = defaultPageSize;
  if (rawLimit !== undefined) {
    if (!/^\d{1,6}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > maxPageSize) {
      throw new HttpProblem(400, `limit must be an integer from 1 to ${maxPageSize}`);
    }
    limit = Number(rawLimit);
  }
  const cursor = request.query['cursor'];
  // An opaque cursor we issued is never empty, so `cursor=` is a client error, not "first page".
  if (cursor === '') throw new HttpProblem(400, 'cursor must not be empty');
  return { limit, cursor };
}

export async function listUsers(deps: OperationDeps, request: HttpRequest): Promise<HttpResponse> {
  const { limit, cursor } = pageQuery(request, deps.settings);
  try {
    const page = await deps.users.list({ limit, cursor });
    const body: Record<string, unknown> = { users: page.users, count: page.users.length };
    if (page.nextCursor !== undefined) body.next_cursor = page.nextCursor;
    return json(200, body);
  } catch (err) {
    if (err instanceof InvalidCursorError) throw new HttpProblem(400, 'cursor is not valid');
    throw err;
  }
}

/**
 * Creates a record under a generated id, or, with `ownId` (a non-admin caller creating its own
 * record, see `authorisation.ts`), under that id: taken already is then a 409, not a retry.
 */
export async function createUser(deps: OperationDeps, request: HttpRequest, ownId?: string): Promise<HttpResponse> {
  const input = validate(fullUserSchema, readJsonBody(request, deps.settings.maxBodyBytes));
  const now = deps.clock.now().toISOString();
  for (let attempt = 1; attempt <= ID_ATTEMPTS; attempt++) {
    const user: UserRecord = { user_id: ownId ?? deps.ids.newId(), ...input, created_at: now, updated_at: now, version: 1 };
    const result = await deps.users.create(user);
    if (result === 'duplicate_email') throw duplicateEmail(user.email);
    if (result === 'created') {
      return json(201, user, { location: `/users/${encodeURIComponent(user.user_id)}`, etag: etagOf(1) });
    }
    if (ownId !== undefined) throw new HttpProblem(409, `user ${ownId} already exists`);
  }
  throw new Error(`${ID_ATTEMPTS} generated user ids in a row were already taken`);
}

export async function getUser(deps: OperationDeps, request: HttpRequest, id: string): Promise<HttpResponse> {
  const user = await deps.users.get(id);
  if (!user) throw notFound(id);
  const etag = etagOf(user.version);
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatchHolds(ifNoneMatch, user.version)) {
    return { status: 304, headers: { etag } };
  }
  return json(200, user, { etag });
}

/** PUT replaces name and email; PATCH changes the fields it names. Never an upsert. */
export async function updateUser(
  deps: OperationDeps,
  request: HttpRequest,
  id: string,
  mode: 'replace' | 'patch',
): Promise<HttpResponse> {
  const body = readJsonBody(request, deps.settings.maxBodyBytes);
  const change: UserPatch = mode === 'replace' ? validate(fullUserSchema, body) : validate(partialUserSchema, body);
  const ifMatch = request.headers['if-match'];
  for (let attempt = 1; ; attempt++) {
    const previous = await deps.users.get(id);
    if (!previous) throw notFound(id);
    if (ifMatch !== undefined && !ifMatchHolds(ifMatch, previous.version)) throw staleIfMatch(id);
    const next: UserRecord = {
      ...previous,
      name: change.name ?? previous.name,
      email: change.email ?? previous.email,
      updated_at: deps.clock.now().toISOString(),
      version: previous.version + 1,
    };
    const result = await deps.users.update(previous, next);
    if (result === 'updated') return json(200, next, { etag: etagOf(next.version) });
    if (result === 'not_found') throw notFound(id);
    if (result === 'duplicate_email') throw duplicateEmail(next.email);
    // version_mismatch: someone wrote between our read and our write
    if (ifMatch !== undefined) throw staleIfMatch(id);
    if (attempt >= RACE_ATTEMPTS) throw new HttpProblem(409, `user ${id} kept changing; try again`);
  }
}

export async function deleteUser(deps: OperationDeps, request: HttpRequest, id: string): Promise<HttpResponse> {
  const ifMatch = request.headers['if-match'];
  let expectedVersion: number | undefined;
  if (ifMatch !== undefined) {
    const current = await deps.users.get(id);
    if (!current) throw notFound(id);
    if (!ifMatchHolds(ifMatch, current.version)) throw staleIfMatch(id);
    expectedVersion = current.version;
  }
  const result = await deps.users.delete(id, expectedVersion);
  if (result === 'not_found') throw notFound(id);
  if (result === 'version_mismatch') throw staleIfMatch(id);
  return { status: 204, headers: {} };
}
