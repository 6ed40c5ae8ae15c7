/**
 * The users API's routes. A single trailing slash is tolerated (`/users/` is `/users`), since
 * gateways and hand-typed URLs add one; anything else is an unknown route. `/openapi.json` is the
 * API's own description (`openapi.ts`).
 */
import { HttpProblem } from './problem';

export type RouteName = '/users' | '/users/{id}' | '/users/{id}/uploads' | '/users/{id}/images' | '/users/{id}/images/{name}' | '/openapi.json';

export interface RouteMatch {
  route: RouteName;
  /** The user id of `/users/{id}...`, as the adapter percent-decoded it. */
  userId?: string;
  /** The `{name}` of `/users/{id}/images/{name}`. */
  name?: string;
}

/**
 * Methods each route answers (OPTIONS is answered for every route, for CORS preflight). HEAD is
 * answered wherever GET is (RFC 9110 section 9.3.2): as the GET, without the body.
 */
export const ALLOWED_METHODS: Record<RouteName, readonly string[]> = {
  '/users': ['GET', 'HEAD', 'POST', 'OPTIONS'],
  '/users/{id}': ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  '/users/{id}/uploads': ['POST', 'OPTIONS'],
  '/users/{id}/images': ['GET', 'HEAD', 'OPTIONS'],
  '/users/{id}/images/{name}': ['GET', 'HEAD', 'OPTIONS'],
  '/openapi.json': ['GET', 'HEAD', 'OPTIONS'],
};

/** The route of `path`, or a 404 problem. */
export function matchRoute(path: string): RouteMatch {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed === '/openapi.json') return { route: '/openapi.json' };
  const segments = trimmed.split('/');
  // ['', 'users'], ['', 'users', '<id>'], ['', 'users', '<id>', 'uploads' | 'images'], ['', 'users', '<id>', 'images', '<name>']
  if (segments[0] === '' && segments[1] === 'users' && !segments.slice(2).includes('')) {
    const [, , userId, sub, name] = segments;
    if (segments.length === 2) return { route: '/users' };
    if (segments.length === 3) return { route: '/users/{id}', userId };
    if (segments.length === 4 && sub === 'uploads') return { route: '/users/{id}/uploads', userId };
    if (segments.length === 4 && sub === 'images') return { route: '/users/{id}/images', userId };
    if (segments.length === 5 && sub === 'images') return { route: '/users/{id}/images/{name}', userId, name };
  }
  throw new HttpProblem(404, `no route for ${path}`);
}

/** Throws 405 with `Allow` when the route does not answer `method`. */
export function checkMethod(match: RouteMatch, method: string): void {
  const allowed = ALLOWED_METHODS[match.route];
  if (!allowed.includes(method)) {
    throw new HttpProblem(405, `${method} is not allowed on ${match.route}`, { allow: allowed.join(', ') });
  }
}
