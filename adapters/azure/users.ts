/**
 * users on Azure Functions: HTTP triggers on `users/{id?}`, `users/{id}/{*rest}` (signed uploads and
 * images) and `openapi.json`, for the methods the core serves (registered by ./triggers.ts, which
 * loads this module on the first request).
 * Authorisation is the core's (JWT), so by default the function key is not required
 * (`anonymous`); the USERS_AUTH_LEVEL app setting can make the host demand one (environment.ts).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { createUsersApi, type UsersApi } from '../../handlers/users';
import { systemClock } from '../../handlers/ports/clock';
import { randomIds } from '../../handlers/ports/ids';
import { readSettings } from '../../handlers/settings';
import { usersSpec } from '../../handlers/specs';
import { fromHttpRequest, toHttpResponseInit } from './events/http';
import { currentSettings, logger, usersPorts } from './wiring';

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
