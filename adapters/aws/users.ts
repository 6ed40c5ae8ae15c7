/**
 * users on Lambda behind API Gateway: payload format 2.0 (HTTP API) or 1.0 (REST API), told
 * apart by the event's `version`. Claims that a JWT authorizer already verified reach the core as
 * `verifiedClaims`.
 */
import { createUsersApi, type UsersApi, type UsersDeps } from '../../handlers/users';
import type { UsersSettings } from '../../handlers/specs';
import { reasonOf } from '../../handlers/errors';
import { httpRequest, httpResult, type ApiGatewayEvent } from './events/http';
import type { LambdaContext } from './images';
import { usersWiring } from './wiring';

export interface UsersWiring {
  deps: UsersDeps;
  settings: UsersSettings;
}

export function createUsersHandler({ deps, settings }: UsersWiring) {
  const api: UsersApi = createUsersApi(deps, settings);
  return async (event: ApiGatewayEvent, context?: LambdaContext) => {
    const request = httpRequest(event);
    request.requestId ??= context?.awsRequestId;
    try {
      return httpResult(event, await api(request));
    } catch (err) {
      // The core answers every expected failure itself; reaching here means a store failed.
      // A problem document with the request id beats API Gateway's bare "Internal Server Error".
      deps.logger.error('request failed', { function: 'users', correlation_id: request.requestId, reason: reasonOf(err) });
      return httpResult(event, {
        status: 500,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: request.requestId }),
      });
    }
  };
}

let ready: ReturnType<typeof createUsersHandler> | undefined;

/** The Lambda entry point: `users.handler`. */
export const handler = (event: ApiGatewayEvent, context?: LambdaContext) => (ready ??= createUsersHandler(usersWiring()))(event, context);
