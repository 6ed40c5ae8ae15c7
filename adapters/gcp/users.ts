/**
 * The users entry point: an HTTP function (target `users`) served at the function's HTTPS URL.
 * The Express request becomes the neutral HttpRequest, the core's answer the Express response.
 */
import * as functions from '@google-cloud/functions-framework';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { reasonOf } from '../../handlers/errors';
import { httpRequestFromFramework, writeFrameworkResponse } from './events/http';
import { usersRuntime, type UsersRuntime } from './wiring';

export function createUsersFunction(runtime: () => UsersRuntime): HttpFunction {
  return async (req, res) => {
    const request = httpRequestFromFramework(req);
    try {
      const { api } = runtime();
      writeFrameworkResponse(res, await api(request), request.method);
    } catch (err) {
      // The core answers every expected failure itself; this is a store outage or a bug.
      console.error(JSON.stringify({ severity: 'ERROR', message: 'users failed', reason: reasonOf(err), correlation_id: request.requestId }));
      writeFrameworkResponse(
        res,
        {
          status: 500,
          headers: { 'content-type': 'application/problem+json' },
          body: JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500 }),
        },
        request.method,
      );
    }
  };
}

functions.http('users', createUsersFunction(usersRuntime));
