/**
 * The users API: an API Gateway HTTP API (payload format 2.0) in front of the users function.
 * Three routes, `ANY /users`, `ANY /users/{id}` and `ANY /users/{id}/{proxy+}` (the signed
 * uploads and images below a user), send every method to the function so that the core answers
 * unknown ids, sub-routes and methods itself (404 / 405 as problem+json); `GET /openapi.json`
 * serves the API's description.
 *
 * CORS is owned by API Gateway when the stack lists origins: an HTTP API with a CORS
 * configuration replaces the function's CORS headers with its own ("Configure CORS for HTTP APIs",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html). A route with
 * an authorizer catches OPTIONS too, and a browser's preflight carries no Authorization header, so
 * with a JWT authorizer it would be answered 401 and every cross-origin call would fail. The same
 * page's remedy: an OPTIONS route without authorization, with an integration. Here that is the
 * users function, which answers a preflight from an allowed origin with 204 (it is given the same
 * origins, infra/aws/index.ts); API Gateway adds its configured headers to that answer. Without an
 * authorizer the ANY routes catch OPTIONS the same way and hand the preflight to the function.
 */
import * as pulumi from '@pulumi/pulumi';
import * as apigatewayv2 from '@pulumi/aws/apigatewayv2';
import * as lambda from '@pulumi/aws/lambda';
import { allowedRequestHeaders } from '../../handlers/users/cors';
import type { StackConfig } from '../config';
import { awsLimits } from '../limits';
import type { ServerlessFunction } from './function';

export const userRoutes = ['ANY /users', 'ANY /users/{id}', 'ANY /users/{id}/{proxy+}'] as const;
/** Preflight routes, without authorization, added when the API has an authorizer. */
export const preflightRoutes = ['OPTIONS /users', 'OPTIONS /users/{id}', 'OPTIONS /users/{id}/{proxy+}'] as const;
/**
 * The API's OpenAPI description (handlers/users/openapi.ts), public as documentation is: no
 * authorizer even on a JWT stack. It holds no user data, and the core serves it without a token.
 */
export const descriptionRoute = 'GET /openapi.json';

export interface UsersApiArgs {
  apiName: string;
  fn: ServerlessFunction;
  settings: StackConfig['usersApi'];
}

export class UsersApi extends pulumi.ComponentResource {
  readonly api: apigatewayv2.Api;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: UsersApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:aws:UsersApi', name, {}, opts);
    const parent = { parent: this };
    const origins = args.settings.corsOrigins;
    this.api = new apigatewayv2.Api(`${name}-api`, {
      name: args.apiName,
      protocolType: 'HTTP',
      corsConfiguration: origins.length > 0 ? {
        allowOrigins: origins,
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        // Every header the API reads, or the preflight of a request carrying it fails (the
        // conditional GET's If-None-Match included): the core's own list.
        allowHeaders: [...allowedRequestHeaders],
        exposeHeaders: ['etag', 'location'],
        maxAge: 3600,
      } : undefined,
    }, parent);

    const integration = new apigatewayv2.Integration(`${name}-integration`, {
      apiId: this.api.id,
      integrationType: 'AWS_PROXY',
      integrationUri: args.fn.target,
      payloadFormatVersion: '2.0',
      // HTTP APIs cap integrations at 30 s ("Maximum integration timeout", HTTP API quotas); the
      // config module refuses a users timeout above it (infra/limits.ts), so the function never
      // runs on after the caller was answered with an error.
      timeoutMilliseconds: awsLimits.maxTimeoutSeconds.http * 1000,
    }, parent);

    const jwt = args.settings.jwt;
    const authorizer = jwt ? new apigatewayv2.Authorizer(`${name}-jwt`, {
      apiId: this.api.id,
      name: 'jwt',
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      jwtConfiguration: { issuer: jwt.issuer, audiences: [jwt.audience] },
    }, parent) : undefined;

    const routes = userRoutes.map((routeKey, i) => new apigatewayv2.Route(`${name}-route-${i}`, {
      apiId: this.api.id,
      routeKey,
      target: pulumi.interpolate`integrations/${integration.id}`,
      authorizationType: authorizer ? 'JWT' : 'NONE',
      authorizerId: authorizer?.id,
    }, parent));
    routes.push(new apigatewayv2.Route(`${name}-route-openapi`, {
      apiId: this.api.id,
      routeKey: descriptionRoute,
      target: pulumi.interpolate`integrations/${integration.id}`,
      authorizationType: 'NONE',
    }, parent));
    // Preflights carry no token: with an authorizer on the ANY routes they need their own.
    if (authorizer) {
      routes.push(...preflightRoutes.map((routeKey, i) => new apigatewayv2.Route(`${name}-preflight-${i}`, {
        apiId: this.api.id,
        routeKey,
        target: pulumi.interpolate`integrations/${integration.id}`,
        authorizationType: 'NONE',
      }, parent)));
    }

    const stage = new apigatewayv2.Stage(`${name}-stage`, {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingRateLimit: args.settings.throttle.rateLimit,
        throttlingBurstLimit: args.settings.throttle.burstLimit,
      },
    }, { parent: this, dependsOn: routes });

    new lambda.Permission(`${name}-invoke`, {
      action: 'lambda:InvokeFunction',
      function: args.fn.functionName,
      qualifier: args.fn.qualifier,
      principal: 'apigateway.amazonaws.com',
      // Any stage and route of this API only.
      sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*`,
    }, parent);

    this.url = pulumi.interpolate`${stage.invokeUrl}`;
    this.registerOutputs({ url: this.url });
  }
}
