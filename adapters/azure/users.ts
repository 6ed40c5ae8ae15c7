/**
 * users on Azure Functions: an HTTP trigger on `users/{id?}` for the methods the core serves.
 * With host.json `routePrefix: ""` the paths are `/users` and `/users/{id}` as on every cloud.
 * Authorisation is the core's (JWT), so by default the function key is not required
 * (`anonymous`); the USERS_AUTH_LEVEL app setting can make the host demand one (environment.ts).
 */
import { app, type HttpMethod, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { createUsersApi, type UsersApi } from '../../handlers/users';
import { ALLOWED_METHODS } from '../../handlers/users/routes';
import { systemClock } from '../../handlers/ports/clock';
import { randomIds } from '../../handlers/ports/ids';
import { readSettings } from '../../handlers/settings';
import { usersSpec } from '../../handlers/specs';
import { azureOptionalSettings } from './environment';
import { fromHttpRequest, toHttpResponseInit } from './events/http';
import { currentSettings, logger, usersPorts } from './wiring';

export const USERS_ROUTE = 'users/{id?}';
export const OPENAPI_ROUTE = 'openapi.json';
/**
 * The routes below a user (`/users/{id}/uploads`, `/users/{id}/images[/{name}]`): a second trigger
 * with a catch-all, so that the first keeps its exact template. The core matches the path itself.
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger#customize-the-http-endpoint
 */
export const USER_IMAGES_ROUTE = 'users/{id}/{*rest}';
/**
 * Every method some route of the core answers (HEAD and OPTIONS included), taken from the core so
 * that a method it adds is not refused by the host with a bare 404 before the core can answer it.
 */
export const USERS_METHODS: readonly HttpMethod[] = [...new Set(Object.values(ALLOWED_METHODS).flat())] as HttpMethod[];

export type AuthLevel = 'anonymous' | 'function' | 'admin';
const AUTH_LEVELS: readonly AuthLevel[] = ['anonymous', 'function', 'admin'];

/** The trigger's authLevel from USERS_AUTH_LEVEL: `anonymous` when unset; throws on anything else but the three. */
export function usersAuthLevel(env: Record<string, string | undefined> = process.env): AuthLevel {
  const name = azureOptionalSettings.usersAuthLevel;
  const value = env[name]?.trim();
  if (!value) return 'anonymous';
  const level = AUTH_LEVELS.find((l) => l === value.toLowerCase());
  if (!level) throw new Error(`app setting ${name} must be one of ${AUTH_LEVELS.join(', ')}; got ${JSON.stringify(env[name])}`);
  return level;
}

/** Built once per set of ports (once per process in Azure), so JWKS and settings are reused. */
let built: { ports: ReturnType<typeof usersPorts>; api: UsersApi } | undefined;
function usersApi(): UsersApi {
  const ports = usersPorts();
  if (built?.ports !== ports) {
    const deps = { users: ports.users, objectUrls: ports.objectUrls, clock: systemClock, ids: randomIds, logger: logger().child({ function: 'users' }) };
    built = { ports, api: createUsersApi(deps, readSettings(usersSpec, currentSettings())) };
  }
  return built.api;
}

export async function usersHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const neutral = await fromHttpRequest(request, context.invocationId);
  return toHttpResponseInit(await usersApi()(neutral), neutral.method);
}

app.http('users', { route: USERS_ROUTE, methods: [...USERS_METHODS], authLevel: usersAuthLevel(), handler: usersHandler });
app.http('user-images', { route: USER_IMAGES_ROUTE, methods: [...USERS_METHODS], authLevel: usersAuthLevel(), handler: usersHandler });
// The API's description (GET /openapi.json), answered by the same core; a trigger of its own
// because `users/{id?}` cannot match it. The same authLevel: the stack's gate covers the whole API.
app.http('openapi', { route: OPENAPI_ROUTE, methods: [...ALLOWED_METHODS['/openapi.json']] as HttpMethod[], authLevel: usersAuthLevel(), handler: usersHandler });
