/**
 * Checks real users API traffic against openapi.json with express-openapi-validator, a maintained
 * validator the project did not write (OpenAPI 3.1 schemas through Ajv's draft 2020-12 mode).
 * Each exchange a test makes is replayed to two in-process Express apps on 127.0.0.1:
 * - the request app judges the request (path, query, headers, body and its media type);
 * - the response app sends the recorded answer back through `res.json`, where the validator
 *   checks its status and body against the operation's responses.
 * express-openapi-validator does not look at response headers, at which media type a response
 * declares (it falls back to the first one described) nor at 5xx bodies; `checkHeaders` below
 * fills that gap from the description's own header and content entries, with Ajv.
 *
 * The rules (`checkExchange` rejects, so the calling test fails):
 * - a request the API accepted (status < 400) must be one the description accepts;
 * - a request the description refuses (or a route or method it lacks) must get a 4xx;
 * - every answer of a described operation must be one its responses allow.
 * https://github.com/cdimascio/express-openapi-validator
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import express, { type NextFunction, type Request, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { HttpRequest, HttpResponse } from '../../handlers/events';
import { repoRoot } from './fixtures';

/** application/json and any +json type (RFC 6839), which the API reads as JSON. */
const JSON_MEDIA_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The committed description (a test elsewhere keeps it equal to the generated one). */
export const openApi: Json = JSON.parse(readFileSync(join(repoRoot, 'openapi.json'), 'utf8'));

/** The paths the users function answers; other traffic (local /orders, /buckets) is not ours to check. */
export function isUsersPath(path: string): boolean {
  return path === '/openapi.json' || path === '/users' || path.startsWith('/users/');
}

interface Verdict {
  ok: boolean;
  status?: number;
  message?: string;
}

const REPLAY_ID = 'x-openapi-replay';
const VERDICT = 'x-openapi-verdict';
const stash = new Map<string, HttpResponse>();
let nextId = 0;

function verdictOf(err: { status?: number; message?: string; errors?: unknown }): Verdict {
  return { ok: false, status: err.status, message: `${err.message ?? ''} ${JSON.stringify(err.errors ?? [])}` };
}

function app(mode: 'request' | 'response'): express.Express {
  const a = express();
  // Bodies as the client sent them; a malformed JSON body is the request's fault (400).
  if (mode === 'request') {
    a.use(express.json({ type: (req) => JSON_MEDIA_TYPE.test(String(req.headers['content-type'] ?? '')), limit: '10mb' }));
    a.use(express.text({ type: () => true, limit: '10mb' }));
  }
  a.use(
    OpenApiValidator.middleware({
      apiSpec: structuredClone(openApi) as never,
      validateApiSpec: true,
      validateRequests: mode === 'request' ? { allowUnknownQueryParameters: true } : false,
      validateResponses: mode === 'response',
      validateSecurity: false,
    }),
  );
  a.use((req: Request, res: Response) => {
    if (mode === 'request') return void res.status(204).end();
    const answer = stash.get(String(req.headers[REPLAY_ID]))!;
    res.status(answer.status).set(answer.headers);
    res.json(answer.body === undefined || answer.body === '' ? undefined : JSON.parse(answer.body));
  });
  a.use((err: { status?: number; message?: string; errors?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(200).set(VERDICT, Buffer.from(JSON.stringify(verdictOf(err))).toString('base64')).end();
  });
  return a;
}

let apps: Promise<{ request: string; response: string }> | undefined;

function listen(a: express.Express): Promise<string> {
  return new Promise((resolve) => {
    const server = a.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    server.unref(); // it lives as long as the test process, never holding it open
  });
}

function started() {
  apps ??= Promise.all([listen(app('request')), listen(app('response'))]).then(([request, response]) => ({ request, response }));
  return apps;
}

/** Methods the description may have; another (TRACE, BREW) is in none and must be a 405 (or a 404). */
const SENDABLE = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Headers of the connection, not of the request: the replay sets its own. Content-Encoding is
 * dropped too: the API does not decode bodies (the bytes it got are the bytes replayed), while
 * Express's body parsers would try to inflate them.
 */
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'expect', 'content-encoding']);

/**
 * Replays a request to one of the apps; its verdict (a header, so that HEAD keeps it). Through
 * node:http, not fetch: fetch would normalise a path such as `/users/..`, which the core was given.
 */
function replay(base: string, request: HttpRequest, extra: Record<string, string> = {}): Promise<Verdict> {
  // The API tolerates one trailing slash; the description names each path once.
  const path = request.path.length > 1 && request.path.endsWith('/') ? request.path.slice(0, -1) : request.path;
  const query = new URLSearchParams(request.query).toString();
  const target = new URL(base);
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
  const withBody = request.body !== undefined && request.body.byteLength > 0 && request.method !== 'GET' && request.method !== 'HEAD';
  const body = withBody ? Buffer.from(request.body!) : undefined;
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: path.split('/').map(encodeURIComponent).join('/') + (query ? `?${query}` : ''),
        headers: { ...headers, ...extra, ...(body ? { 'content-length': String(body.byteLength) } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const verdict = res.headers[VERDICT];
          resolve(typeof verdict === 'string' ? (JSON.parse(Buffer.from(verdict, 'base64').toString('utf8')) as Verdict) : { ok: true });
        });
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

/** The description's path templates as patterns: `{name}` is one non-empty segment. */
const TEMPLATES = Object.keys(openApi.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.split('/').map((part) => (/^\{.+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`),
}));

/** The operation of a request in the description, if it has one. */
function operationOf(request: HttpRequest): Json | undefined {
  const path = request.path.length > 1 && request.path.endsWith('/') ? request.path.slice(0, -1) : request.path;
  const found = TEMPLATES.find(({ pattern }) => pattern.test(path));
  return found ? openApi.paths[found.template]?.[request.method.toLowerCase()] : undefined;
}

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
// The description's schemas, so that a $ref in a response schema resolves (5xx bodies below).
ajv.addSchema({ $id: 'openapi.json', $defs: JSON.parse(JSON.stringify(openApi.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/')) });
const bodySchema = (schema: Json) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"openapi.json#/$defs/'));

function resolve(node: Json): Json {
  if (typeof node?.$ref !== 'string') return node;
  const [, ...parts] = (node.$ref as string).split('/');
  return resolve(parts.reduce((n: Json, p) => n[p], openApi));
}

/** What express-openapi-validator leaves out: the media type and headers of the answer, 5xx bodies. */
function checkHeaders(operation: Json, response: HttpResponse, head: boolean): string[] {
  const described = operation.responses[String(response.status)];
  if (!described) return [`status ${response.status} is not described`];
  const entry = resolve(described);
  const problems: string[] = [];
  const mediaType = (response.headers['content-type'] ?? '').split(';')[0].trim();
  const types = Object.keys(entry.content ?? {});
  if (types.length > 0 && !types.includes(mediaType)) problems.push(`content-type ${mediaType || '(none)'} is not one of ${types.join(', ')}`);
  if (types.length === 0 && response.body !== undefined && response.body !== '') problems.push('a body where the description has none');
  if (head && response.body !== undefined && response.body !== '') problems.push('a HEAD answer with a body');
  // express-openapi-validator leaves 5xx bodies alone (its response hook skips them)
  const schema = entry.content?.[mediaType]?.schema;
  if (response.status >= 500 && schema && !head && response.body) {
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      problems.push('a body that is not JSON');
    }
    if (body !== undefined && !ajv.validate(bodySchema(schema), body)) problems.push(`body: ${ajv.errorsText()}`);
  }
  for (const [name, h] of Object.entries((entry.headers ?? {}) as Record<string, Json>)) {
    const header = resolve(h);
    const value = response.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`header ${name} is required`);
    } else if (header.schema && !ajv.validate(header.schema, value)) {
      problems.push(`header ${name}: ${ajv.errorsText()}`);
    }
  }
  return problems;
}

/** Rejects when the exchange breaks one of the rules at the top of this file. */
export async function checkExchange(request: HttpRequest, response: HttpResponse): Promise<void> {
  if (!isUsersPath(request.path)) return;
  const { request: requestApp, response: responseApp } = await started();
  const what = `${request.method} ${request.path} -> ${response.status}`;
  if (!SENDABLE.has(request.method)) {
    // the route is judged first: an unknown path is a 404 whatever the method
    if (response.status !== 405 && response.status !== 404) throw new Error(`openapi.json has no ${request.method}, yet ${what}`);
    return;
  }
  const operation = operationOf(request);
  // A body is judged only where the description has one: the API ignores it elsewhere (OPTIONS).
  const judged = await replay(requestApp, operation?.requestBody ? request : { ...request, body: undefined });
  // OpenAPI names media types or ranges (`application/*`), so it cannot say "any +json type" (RFC
  // 6839); the description names application/json and says the rest in words.
  const otherJson = judged.status === 415 && JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '');
  const refused = !judged.ok && !otherJson;
  if (refused && response.status < 400) throw new Error(`openapi.json refuses the request of ${what}, which the API accepted: ${judged.message}`);
  if (!operation) {
    if (response.status < 400 || response.status >= 500) throw new Error(`openapi.json has no operation for ${what}`);
    return;
  }
  const problems = checkHeaders(operation, response, request.method === 'HEAD');
  const id = String(++nextId);
  stash.set(id, response);
  try {
    // only the route matters to the response check: the request's own headers and body stay out
    const replayed = await replay(responseApp, { ...request, headers: {}, body: undefined }, { [REPLAY_ID]: id });
    if (!replayed.ok) problems.push(replayed.message ?? 'refused');
  } finally {
    stash.delete(id);
  }
  if (problems.length > 0) throw new Error(`openapi.json does not allow the answer of ${what}: ${problems.join('; ')}\nbody: ${response.body ?? ''}`);
}

/** `fetch` for a users API over HTTP, every exchange checked; the answer is returned unread. */
export async function checkedFetch(url: string | URL, init: RequestInit = {}): Promise<globalThis.Response> {
  const res = await fetch(url, init);
  const text = await res.text();
  const target = new URL(url);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  const body = init.body === undefined || init.body === null ? undefined : new Uint8Array(Buffer.from(init.body as string | Uint8Array));
  const answer: Record<string, string> = {};
  res.headers.forEach((v, k) => (answer[k] = v));
  await checkExchange(
    { method: (init.method ?? 'GET').toUpperCase(), path: decodeURIComponent(target.pathname), query: Object.fromEntries(target.searchParams), headers, body },
    { status: res.status, headers: answer, body: text === '' ? undefined : text },
  );
  return new Response(res.status === 204 || res.status === 304 ? null : text, { status: res.status, headers: res.headers });
}
