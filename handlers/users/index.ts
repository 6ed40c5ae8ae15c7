/**
 * users: the REST API over a UserRepository, as a neutral HttpRequest -> HttpResponse function.
 * The pipeline: route (404) -> method (405) -> CORS preflight -> authorisation (401/403) ->
 * operation (`GET /openapi.json`, the API's description, needs no authorisation); every problem
 * is rendered once as problem+json, CORS headers are added to every answer, a HEAD answer loses
 * its body, and one log line is written per request.
 */
import type { JWTVerifyGetKey } from 'jose';
import type { HttpRequest, HttpResponse } from '../events';
import type { Clock } from '../ports/clock';
import type { Ids } from '../ports/ids';
import type { Logger } from '../ports/logger';
import type { ObjectUrls } from '../ports/object-urls';
import type { UserRepository } from '../ports/user-repository';
import type { UsersSettings } from '../specs';
import { jwtPolicy, type AuthorisationPolicy } from './authorisation';
import { corsFor } from './cors';
import { createUser, deleteUser, getUser, listUsers, updateUser, type OperationDeps } from './operations';
import { openApiDocument } from './openapi';
import { retryAfterOf } from '../errors';
import { listImages, redirectToImage, requestUpload } from './image-operations';
import { HttpProblem, problemResponse } from './problem';
import { ALLOWED_METHODS, checkMethod, matchRoute, type RouteMatch } from './routes';

export interface UsersDeps {
  users: UserRepository;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  /** Signed uploads and downloads of the user's images; without it those routes answer 501. */
  objectUrls?: ObjectUrls;
  /** Replaces the whole authorisation policy (default: `jwtPolicy(settings)`). */
  authorise?: AuthorisationPolicy;
  /** The JWT key getter; default: the remote JWKS of the issuer (`settings.jwksUrl`). */
  jwtKeys?: JWTVerifyGetKey;
}

export type UsersApi = (request: HttpRequest) => Promise<HttpResponse>;

export type { AuthorisationPolicy, Grant } from './authorisation';

/**
 * A request's outcome in the vocabulary of the other functions' lines: `answered` (2xx, 3xx),
 * `refused` (4xx: the request was at fault, as an order that does not parse is `refused`),
 * `failed` (5xx: we were at fault).
 */
export function outcomeOf(status: number): 'answered' | 'refused' | 'failed' {
  if (status >= 500) return 'failed';
  return status >= 400 ? 'refused' : 'answered';
}

let description: string | undefined;

/** `GET /openapi.json`: built on first use (the conversion runs once per instance, not at cold start). */
function describeApi(): HttpResponse {
  description ??= JSON.stringify(openApiDocument());
  return { status: 200, headers: { 'content-type': 'application/json' }, body: description };
}

export function createUsersApi(deps: UsersDeps, settings: UsersSettings): UsersApi {
  const authorise = deps.authorise ?? jwtPolicy(settings, deps.jwtKeys);
  const cors = corsFor(settings);
  const operations: OperationDeps = { users: deps.users, clock: deps.clock, ids: deps.ids, settings };
  const imageOperations = { ...operations, objectUrls: deps.objectUrls };

  async function dispatch(request: HttpRequest, match: RouteMatch): Promise<HttpResponse> {
    checkMethod(match, request.method);
    if (request.method === 'OPTIONS') {
      const allow = ALLOWED_METHODS[match.route];
      if (!cors.isPreflight(request)) return { status: 204, headers: { allow: allow.join(', ') } };
      const headers = cors.preflightHeaders(request, allow);
      if (!headers) throw new HttpProblem(403, `origin ${request.headers['origin']} is not allowed`);
      return { status: 204, headers };
    }
    // The description is public, as an API's documentation is: it holds no user data.
    if (match.route === '/openapi.json') return describeApi();
    const grant = (await authorise(request, match)) ?? {};
    const id = match.userId ?? '';
    // HEAD is the GET, answered with the same status and headers (ETag included); the body is
    // dropped once, for every answer, in the wrapper below.
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    switch (`${method} ${match.route}`) {
      case 'GET /users':
        return listUsers(operations, request);
      case 'POST /users':
        return createUser(operations, request, grant.ownId);
      case 'GET /users/{id}':
        return getUser(operations, request, id);
      case 'PUT /users/{id}':
        return updateUser(operations, request, id, 'replace');
      case 'PATCH /users/{id}':
        return updateUser(operations, request, id, 'patch');
      case 'POST /users/{id}/uploads':
        return requestUpload(imageOperations, request, id);
      case 'GET /users/{id}/images':
        return listImages(imageOperations, request, id);
      case 'GET /users/{id}/images/{name}':
        return redirectToImage(imageOperations, id, match.name ?? '');
      case 'DELETE /users/{id}':
        return deleteUser(operations, request, id);
      default: // checkMethod let nothing else through
        throw new Error(`no operation for ${method} ${match.route}`);
    }
  }

  return async (request) => {
    const started = performance.now();
    const log = deps.logger.child({ correlation_id: request.requestId });
    let route = 'unknown';
    let response: HttpResponse;
    try {
      const match = matchRoute(request.path);
      route = match.route;
      response = await dispatch(request, match);
    } catch (err) {
      if (!(err instanceof HttpProblem)) {
        // A store that failed: the client cannot fix it, and the log line keeps the reason.
        log.error('users request failed', { method: request.method, route, error: String(err) });
      }
      const problem = err instanceof HttpProblem ? err : storeProblem(err);
      response = problemResponse(problem, request.path);
    }
    // A preflight answer already carries its own CORS headers.
    if (!response.headers['access-control-allow-origin']) {
      response = { ...response, headers: { ...cors.responseHeaders(request), ...response.headers } };
    }
    if (request.method === 'HEAD' && response.body !== undefined) {
      // A HEAD answer never has content, errors included (RFC 9110 section 9.3.2).
      const { body: _dropped, ...headOnly } = response;
      response = headOnly;
    }
    // The same per-invocation fields as every function's line: function, duration_ms, outcome.
    log.info('users request', {
      function: 'users',
      method: request.method,
      route,
      status: response.status,
      outcome: outcomeOf(response.status),
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
    });
    return response;
  };
}

/** A store that said "not now" is a 503 with its `Retry-After`; any other failure is a 500. */
function storeProblem(err: unknown): HttpProblem {
  const retryAfter = retryAfterOf(err);
  if (retryAfter !== undefined) {
    return new HttpProblem(503, 'the store is busy; try again shortly', { 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) });
  }
  return new HttpProblem(500, 'the request could not be completed');
}
