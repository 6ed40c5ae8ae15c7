/**
 * users on Azure Functions: an HTTP trigger on `users/{id?}` for the methods the core serves.
 * With host.json `routePrefix: ""` the paths are `/users` and `/users/{id}` as on every cloud.
 * Authorisation is the core's (JWT), so the function key is not required (`anonymous`).
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { createUsersApi, type UsersApi } from '../../handlers/users';
import { systemClock } from '../../handlers/ports/clock';
import { randomIds } from '../../handlers/ports/ids';
import { readSettings } from '../../handlers/settings';
import { usersSpec } from '../../handlers/specs';
import { fromHttpRequest, toHttpResponseInit } from './events/http';
import { currentSettings, logger, usersPorts } from './wiring';

export const USERS_ROUTE = 'users/{id?}';
export const USERS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Built once per set of ports (once per process in Azure), so JWKS and settings are reused. */
let built: { ports: ReturnType<typeof usersPorts>; api: UsersApi } | undefined;
function usersApi(): UsersApi {
  const ports = usersPorts();
  if (built?.ports !== ports) {
    const deps = { users: ports.users, clock: systemClock, ids: randomIds, logger: logger().child({ function: 'users' }) };
    built = { ports, api: createUsersApi(deps, readSettings(usersSpec, currentSettings())) };
  }
  return built.api;
}

export async function usersHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const response = await usersApi()(await fromHttpRequest(request, context.invocationId));
  return toHttpResponseInit(response);
}

app.http('users', { route: USERS_ROUTE, methods: [...USERS_METHODS], authLevel: 'anonymous', handler: usersHandler });
