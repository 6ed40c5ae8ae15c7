/**
 * API Gateway proxy events to the neutral HttpRequest and back. Pure: no I/O.
 * Both payload formats arrive in practice: HTTP APIs send 2.0 by default, REST APIs (and HTTP
 * APIs configured for it) send 1.0.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import type { HttpRequest, HttpResponse } from '../../../handlers/events';

type Nullable<T> = T | null | undefined;

/** Payload format 2.0 (HTTP API, Lambda function URL). */
export interface ApiGatewayV2Event {
  version: '2.0';
  rawPath: string;
  rawQueryString?: string;
  cookies?: string[];
  headers?: Nullable<Record<string, string>>;
  body?: Nullable<string>;
  isBase64Encoded?: boolean;
  requestContext: {
    requestId?: string;
    stage?: string;
    http: { method: string; path?: string };
    authorizer?: { jwt?: { claims?: Record<string, unknown> } };
  };
}

/** Payload format 1.0 (REST API proxy integration). */
export interface ApiGatewayV1Event {
  version?: '1.0';
  httpMethod: string;
  path: string;
  headers?: Nullable<Record<string, string>>;
  multiValueHeaders?: Nullable<Record<string, string[]>>;
  queryStringParameters?: Nullable<Record<string, string>>;
  multiValueQueryStringParameters?: Nullable<Record<string, string[]>>;
  body?: Nullable<string>;
  isBase64Encoded?: boolean;
  requestContext?: {
    requestId?: string;
    /** A Cognito user pool authorizer puts the verified token's claims here. */
    authorizer?: Nullable<{ claims?: Record<string, unknown> }>;
  };
}

export type ApiGatewayEvent = ApiGatewayV2Event | ApiGatewayV1Event;

export interface ApiGatewayV2Result {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded: false;
}

export interface ApiGatewayV1Result {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: false;
}

export function isV2(event: ApiGatewayEvent): event is ApiGatewayV2Event {
  return (event as ApiGatewayV2Event).version === '2.0';
}

export function httpRequest(event: ApiGatewayEvent): HttpRequest {
  return isV2(event) ? fromV2(event) : fromV1(event);
}

export function httpResult(event: ApiGatewayEvent, response: HttpResponse): ApiGatewayV2Result | ApiGatewayV1Result {
  return isV2(event) ? toV2(response) : toV1(response);
}

function fromV2(event: ApiGatewayV2Event): HttpRequest {
  const headers = lowerCased(event.headers);
  // 2.0 moves the Cookie header into `cookies`; the core reads one `cookie` header.
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  const request: HttpRequest = {
    method: event.requestContext.http.method.toUpperCase(),
    path: withoutStage(decodePath(event.rawPath), event.requestContext.stage),
    // queryStringParameters joins repeated names with commas; the raw string keeps them apart.
    query: firstValues(new URLSearchParams(event.rawQueryString ?? '')),
    headers,
  };
  return finish(request, event.body, event.isBase64Encoded, event.requestContext.authorizer?.jwt?.claims, event.requestContext.requestId);
}

function fromV1(event: ApiGatewayV1Event): HttpRequest {
  const headers: Record<string, string> = {};
  if (event.multiValueHeaders) {
    for (const [name, values] of Object.entries(event.multiValueHeaders)) {
      const key = name.toLowerCase();
      headers[key] = values.join(key === 'cookie' ? '; ' : ', ');
    }
  } else {
    Object.assign(headers, lowerCased(event.headers));
  }
  const query: Record<string, string> = {};
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values.length > 0) query[name] = values[0];
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (!(name in query)) query[name] = value;
  }
  const request: HttpRequest = {
    method: event.httpMethod.toUpperCase(),
    // 1.0 `path` is the resource path, already decoded and without the stage.
    path: event.path,
    query,
    headers,
  };
  return finish(request, event.body, event.isBase64Encoded, event.requestContext?.authorizer?.claims, event.requestContext?.requestId);
}

function finish(
  request: HttpRequest,
  body: Nullable<string>,
  base64: boolean | undefined,
  claims: Record<string, unknown> | undefined,
  requestId: string | undefined,
): HttpRequest {
  if (typeof body === 'string') request.body = new Uint8Array(Buffer.from(body, base64 ? 'base64' : 'utf8'));
  if (claims && Object.keys(claims).length > 0) request.verifiedClaims = claims;
  if (requestId) request.requestId = requestId;
  return request;
}

function toV2(response: HttpResponse): ApiGatewayV2Result {
  const result: ApiGatewayV2Result = { statusCode: response.status, headers: { ...response.headers }, isBase64Encoded: false };
  if (response.cookies?.length) result.cookies = [...response.cookies];
  if (hasBody(response)) result.body = response.body;
  return result;
}

function toV1(response: HttpResponse): ApiGatewayV1Result {
  const result: ApiGatewayV1Result = {
    statusCode: response.status,
    headers: { ...response.headers },
    body: hasBody(response) ? response.body! : '',
    isBase64Encoded: false,
  };
  // 1.0 has no `cookies`: several Set-Cookie values only survive as a multi-value header.
  if (response.cookies?.length) result.multiValueHeaders = { 'set-cookie': [...response.cookies] };
  return result;
}

function hasBody(response: HttpResponse): boolean {
  return response.body !== undefined && response.status !== 204 && response.status !== 304;
}

function lowerCased(headers: Nullable<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

function firstValues(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) if (!(name in out)) out[name] = value;
  return out;
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A named stage prefixes rawPath (`/beta/users`); the routes the core knows do not carry it. */
function withoutStage(path: string, stage: string | undefined): string {
  if (!stage || stage === '$default') return path;
  const prefix = `/${stage}`;
  if (path === prefix) return '/';
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}
