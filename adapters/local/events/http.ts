/**
 * Node's HTTP request to the neutral HttpRequest, and the neutral HttpResponse back to what
 * `res.writeHead` takes. Pure: the server reads the body and hands in the raw parts.
 */
import type { HttpRequest, HttpResponse } from '../../../handlers/events';

export interface RawRequest {
  method: string;
  /** As received: path and query, percent-encoded. */
  url: string;
  /** Node's `rawHeaders`: name, value, name, value, ... in arrival order. */
  rawHeaders: string[];
  body?: Uint8Array;
  requestId?: string;
}

/** Thrown for a request line Node accepted but the neutral shape cannot hold (bad % escapes). */
export class MalformedRequestError extends Error {}

export function toHttpRequest(raw: RawRequest): HttpRequest {
  const url = new URL(raw.url, 'http://localhost');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) if (!(name in query)) query[name] = value;
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) {
    const name = raw.rawHeaders[i].toLowerCase();
    const value = raw.rawHeaders[i + 1];
    headers[name] = name in headers ? `${headers[name]}${name === 'cookie' ? '; ' : ', '}${value}` : value;
  }
  const request: HttpRequest = { method: raw.method.toUpperCase(), path: decodePath(url.pathname), query, headers };
  if (raw.body && raw.body.length > 0) request.body = raw.body;
  if (raw.requestId) request.requestId = raw.requestId;
  return request;
}

/** Percent-decodes a path once, as every cloud's gateway does before the function sees it. */
export function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new MalformedRequestError(`the path is not valid percent-encoding: ${encoded}`);
  }
}

export interface NodeResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: string;
}

/** A 204 or 304 goes out without a body whatever the core put in it (RFC 9110 §15.3.5, §15.4.5). */
export function toNodeResponse(response: HttpResponse): NodeResponse {
  const headers: Record<string, string | string[]> = { ...response.headers };
  if (response.cookies && response.cookies.length > 0) headers['set-cookie'] = response.cookies;
  const bodiless = response.status === 204 || response.status === 304;
  return bodiless || response.body === undefined ? { status: response.status, headers } : { status: response.status, headers, body: response.body };
}
