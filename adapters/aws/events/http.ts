/**
 * API Gateway proxy events to the neutral HttpRequest and back. Pure: no I/O.
 * Both payload formats arrive in practice: HTTP APIs send 2.0 by default, REST APIs (and HTTP
 * APIs configured for it) send 1.0.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 *
 * The neutral path is percent-decoded exactly ONCE, and who has already done it depends on the
 * sender (AWS documents neither; this follows events captured from live APIs):
 * - HTTP API, either payload format: API Gateway decodes the path before it routes, and hands
 *   over the decoded form: `rawPath` (2.0) and `path` (1.0) arrive as `/users/a b` for
 *   `/users/a%20b`, and `/a%2Fb` arrives as `/a/b`. Decoding again would turn an id that
 *   contains a literal `%41` into `A`. Taken as is.
 *   (fastify/aws-lambda-fastify#169 shows rawPath `/a/b` for `/a%2Fb`;
 *   aws-powertools/powertools-lambda-python#1098 shows decoded spaces; middleapi/standard-server#93
 *   compares live captures.)
 * - REST API (payload 1.0 without a `version` field) and Lambda function URLs (2.0 shape, domain
 *   `<id>.lambda-url.<region>.on.aws`): the path arrives as the client encoded it, and REST
 *   `pathParameters` are not decoded either (serverless/serverless#5037); aws-lambda-dotnet's
 *   ASP.NET Core bridge decodes REST `path` for the same reason. Decoded here, once.
 * A `/` sent as `%2F` inside an id cannot survive either way: HTTP APIs decode it before routing,
 * and the neutral path is split on `/` by the core, so such an id is answered 404.
 */
import type { HttpRequest, HttpResponse } from '../../../handlers/events';

type Nullable<T> = T | null | undefined;

/** Payload format 2.0 (HTTP API, Lambda function URL). */
export interface ApiGatewayV2Event {
  version: '2.0';
  rawPath: string;
  rawQueryString?: string;
  cookies?: string[];
  headers?: Nullable<Record<string, Nullable<string>>>;
  body?: Nullable<string>;
  isBase64Encoded?: boolean;
  requestContext: {
    requestId?: string;
    stage?: string;
    /** `<api-id>.execute-api.<region>.amazonaws.com`, or `<url-id>.lambda-url.<region>.on.aws` for a function URL. */
    domainName?: string;
    http: { method: string; path?: string };
    authorizer?: { jwt?: { claims?: Record<string, unknown> } };
  };
}

/**
 * Payload format 1.0: a REST API proxy integration (no `version` field), or an HTTP API
 * integration set to 1.0 (`version: '1.0'`). Values inside the maps may be null in what arrives
 * (hand-built test events, other proxies), so they are typed so.
 */
export interface ApiGatewayV1Event {
  version?: '1.0';
  httpMethod: string;
  path: string;
  headers?: Nullable<Record<string, Nullable<string>>>;
  multiValueHeaders?: Nullable<Record<string, Nullable<Nullable<string>[]>>>;
  queryStringParameters?: Nullable<Record<string, Nullable<string>>>;
  multiValueQueryStringParameters?: Nullable<Record<string, Nullable<Nullable<string>[]>>>;
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
  // An answer to HEAD has no body (RFC 9110 9.3.2), whatever the core left in it.
  const method = isV2(event) ? event.requestContext?.http?.method : event.httpMethod;
  const head = typeof method === 'string' && method.toUpperCase() === 'HEAD';
  return isV2(event) ? toV2(response, head) : toV1(response, head);
}

function fromV2(event: ApiGatewayV2Event): HttpRequest {
  const headers = lowerCased(event.headers);
  // 2.0 moves the Cookie header into `cookies`; the core reads one `cookie` header.
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  const request: HttpRequest = {
    method: event.requestContext.http.method.toUpperCase(),
    // HTTP API: rawPath is already decoded; a function URL's is not (see the top of this file).
    path: withoutStage(isFunctionUrl(event) ? decodePath(event.rawPath) : event.rawPath, event.requestContext.stage),
    // queryStringParameters joins repeated names with commas; the raw string keeps them apart.
    query: firstValues(new URLSearchParams(event.rawQueryString ?? '')),
    headers,
  };
  return finish(request, event.body, event.isBase64Encoded, event.requestContext.authorizer?.jwt?.claims, event.requestContext.requestId);
}

function fromV1(event: ApiGatewayV1Event): HttpRequest {
  // Null maps, null values and null list entries are skipped, never dereferenced: one odd header
  // must not turn the request into a 500.
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    const present = strings(values);
    if (present.length === 0) continue;
    const key = name.toLowerCase();
    headers[key] = present.join(key === 'cookie' ? '; ' : ', ');
  }
  // `headers` holds the last value of each; it only adds names the multi-value map lacks.
  for (const [name, value] of Object.entries(lowerCased(event.headers))) if (!(name in headers)) headers[name] = value;
  const query: Record<string, string> = {};
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    const present = strings(values);
    if (present.length > 0) query[name] = present[0];
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (!(name in query) && typeof value === 'string') query[name] = value;
  }
  const request: HttpRequest = {
    method: event.httpMethod.toUpperCase(),
    // 1.0 `path` is without the stage. A REST API sends it as the client encoded it; an HTTP API
    // sends it decoded, and marks its 1.0 events with `version` (see the top of this file).
    path: event.version === '1.0' ? event.path : decodePath(event.path),
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

function toV2(response: HttpResponse, head: boolean): ApiGatewayV2Result {
  const result: ApiGatewayV2Result = { statusCode: response.status, headers: { ...response.headers }, isBase64Encoded: false };
  if (response.cookies?.length) result.cookies = [...response.cookies];
  if (hasBody(response, head)) result.body = response.body;
  return result;
}

function toV1(response: HttpResponse, head: boolean): ApiGatewayV1Result {
  const result: ApiGatewayV1Result = {
    statusCode: response.status,
    headers: { ...response.headers },
    body: hasBody(response, head) ? response.body! : '',
    isBase64Encoded: false,
  };
  // 1.0 has no `cookies`: several Set-Cookie values only survive as a multi-value header.
  if (response.cookies?.length) result.multiValueHeaders = { 'set-cookie': [...response.cookies] };
  return result;
}

function hasBody(response: HttpResponse, head: boolean): boolean {
  return !head && response.body !== undefined && response.status !== 204 && response.status !== 304;
}

function lowerCased(headers: Nullable<Record<string, Nullable<string>>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (typeof value === 'string') out[name.toLowerCase()] = value;
  return out;
}

/** The string entries of a multi-value list; null, a null list or a non-list give none. */
function strings(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
}

/** A Lambda function URL, which sends the 2.0 shape with its path still percent-encoded. */
function isFunctionUrl(event: ApiGatewayV2Event): boolean {
  return /\.lambda-url\./.test(event.requestContext.domainName ?? '');
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
