/**
 * Functions v4 HttpRequest <-> the neutral HttpRequest/HttpResponse. The host's route prefix is
 * empty (host.json `extensions.http.routePrefix: ""`), so the path is `/users/...` as on the
 * other clouds and the core's `Location` headers need no rewriting.
 */
import type { HttpRequest as AzureHttpRequest, Cookie, HttpResponseInit } from '@azure/functions';
import type { HttpRequest, HttpResponse } from '../../../handlers/events';

/** Reads the body: the one await in a translator, because the v4 request streams it. */
export async function fromHttpRequest(request: AzureHttpRequest, requestId: string): Promise<HttpRequest> {
  const url = new URL(request.url);
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of request.query) if (!(name in query)) query[name] = value;
  const headers: Record<string, string> = {};
  // Headers iterate lower-cased names with repeated values already joined by ", ".
  for (const [name, value] of request.headers) headers[name] = value;
  // Cookies repeat with "; " in the neutral shape, not ", " (RFC 6265 5.4).
  if (headers.cookie) headers.cookie = headers.cookie.split(', ').join('; ');
  const body = new Uint8Array(await request.arrayBuffer());
  const neutral: HttpRequest = { method: request.method.toUpperCase(), path, query, headers, requestId };
  if (body.byteLength > 0) neutral.body = body;
  return neutral;
}

/**
 * Cookies go out through `HttpResponseInit.cookies`, not as `set-cookie` headers: the library
 * copies the response headers into the worker's RPC message as a map, one value per name
 * (`rpcResponse.headers[key] = value` in @azure/functions 4.x `toRpcHttp`), so of several
 * `set-cookie` headers only the last would reach the client. Its `cookies` list is sent one by one.
 */
export function toHttpResponseInit(response: HttpResponse, requestMethod?: string): HttpResponseInit {
  const headers: [string, string][] = Object.entries(response.headers).filter(([name]) => name.toLowerCase() !== 'set-cookie');
  const init: HttpResponseInit = { status: response.status, headers };
  const cookies = [...(response.cookies ?? []), ...Object.entries(response.headers).filter(([name]) => name.toLowerCase() === 'set-cookie').map(([, v]) => v)]
    .map(parseSetCookie)
    .filter((c): c is Cookie => c !== undefined);
  if (cookies.length > 0) init.cookies = cookies;
  // 204 and 304 carry no body (RFC 9110 6.4.1), nor does any answer to HEAD (9.3.2), whatever
  // the core left in it.
  const bodyless = response.status === 204 || response.status === 304 || requestMethod?.toUpperCase() === 'HEAD';
  if (!bodyless && response.body !== undefined) init.body = response.body;
  return init;
}

/**
 * A `Set-Cookie` value (RFC 6265 4.1) as the library's Cookie: `name=value` then `;`-separated
 * attributes, names case-insensitive. Attributes the Cookie type has no field for (`Partitioned`,
 * `Priority`) cannot be sent through the worker and are dropped; a value without `=` is not a
 * cookie (RFC 6265 5.2 ignores it) and gives undefined.
 */
export function parseSetCookie(header: string): Cookie | undefined {
  const [pair, ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq < 0) return undefined;
  const name = pair.slice(0, eq).trim();
  if (!name) return undefined;
  const cookie: Cookie = { name, value: pair.slice(eq + 1).trim() };
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at < 0 ? '' : attribute.slice(at + 1).trim();
    switch (key) {
      case 'domain':
        if (value) cookie.domain = value;
        break;
      case 'path':
        if (value) cookie.path = value;
        break;
      case 'expires': {
        const time = Date.parse(value);
        if (!Number.isNaN(time)) cookie.expires = new Date(time);
        break;
      }
      case 'max-age':
        if (/^-?\d+$/.test(value)) cookie.maxAge = Number(value);
        break;
      case 'secure':
        cookie.secure = true;
        break;
      case 'httponly':
        cookie.httpOnly = true;
        break;
      case 'samesite': {
        const same = value.toLowerCase();
        if (same === 'strict') cookie.sameSite = 'Strict';
        else if (same === 'lax') cookie.sameSite = 'Lax';
        else if (same === 'none') cookie.sameSite = 'None';
        break;
      }
    }
  }
  return cookie;
}
