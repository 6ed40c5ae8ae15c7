/**
 * The Functions Framework's Express request -> HttpRequest, and HttpResponse -> Express response.
 * Pure apart from writing the response. The framework has already read the body: `rawBody` holds
 * its bytes whatever the content type (it installs a raw parser for every type).
 */
import type { HttpRequest, HttpResponse } from '../../../handlers/events';

/** The parts of the framework's request this translator reads. */
export interface FrameworkRequest {
  method: string;
  /** Path and query as received, e.g. `/users/a%20b?limit=2`. */
  originalUrl?: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
  executionId?: string;
}

/** The parts of Express's response this translator writes. */
export interface FrameworkResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string | string[]): unknown;
  end(body?: string): unknown;
}

export function httpRequestFromFramework(req: FrameworkRequest): HttpRequest {
  // Split path and query by hand: `new URL(target, base)` reads a target starting with `//` as a
  // host name (and throws on one it cannot parse), so a request for `//users` would never reach
  // the core's 404.
  const target = req.originalUrl ?? req.url;
  const mark = target.indexOf('?');
  const pathname = mark === -1 ? target : target.slice(0, mark);
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(mark === -1 ? '' : target.slice(mark + 1))) if (!(name in query)) query[name] = value;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    headers[lower] = Array.isArray(value) ? value.join(lower === 'cookie' ? '; ' : ', ') : value;
  }
  const request: HttpRequest = { method: req.method.toUpperCase(), path: decodeOnce(pathname), query, headers };
  if (req.rawBody && req.rawBody.length > 0) request.body = new Uint8Array(req.rawBody);
  const requestId = traceIdOf(headers) ?? req.executionId ?? headers['function-execution-id'];
  if (requestId) request.requestId = requestId;
  return request;
}

/**
 * Writes the core's answer; 204 and 304 go out without a body (RFC 9110 15.3.5, 15.4.5), and so
 * does every answer to HEAD (9.3.2), whatever the core left in it.
 */
export function writeFrameworkResponse(res: FrameworkResponse, response: HttpResponse, requestMethod?: string): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (response.cookies && response.cookies.length > 0) res.setHeader('set-cookie', response.cookies);
  const bodyless = response.status === 204 || response.status === 304 || response.status < 200 || requestMethod?.toUpperCase() === 'HEAD';
  // `end`, not Express's `send`: send would add its own ETag and answer 304s on the core's behalf.
  res.end(bodyless ? undefined : response.body);
}

function decodeOnce(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Cloud Run passes the trace as `traceparent` (W3C) or `x-cloud-trace-context: TRACE/SPAN;o=1`. */
function traceIdOf(headers: Record<string, string>): string | undefined {
  const w3c = headers['traceparent']?.split('-')[1];
  if (w3c) return w3c;
  return headers['x-cloud-trace-context']?.split('/')[0] || undefined;
}
