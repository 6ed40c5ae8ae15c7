/**
 * Functions v4 HttpRequest <-> the neutral HttpRequest/HttpResponse. The host's route prefix is
 * empty (host.json `extensions.http.routePrefix: ""`), so the path is `/users/...` as on the
 * other clouds and the core's `Location` headers need no rewriting.
 */
import type { HttpRequest as AzureHttpRequest, HttpResponseInit } from '@azure/functions';
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

export function toHttpResponseInit(response: HttpResponse): HttpResponseInit {
  const headers: [string, string][] = Object.entries(response.headers);
  for (const cookie of response.cookies ?? []) headers.push(['set-cookie', cookie]);
  const init: HttpResponseInit = { status: response.status, headers };
  // 204 and 304 carry no body (RFC 9110 6.4.1), whatever the core left in it.
  if (response.status !== 204 && response.status !== 304 && response.body !== undefined) init.body = response.body;
  return init;
}
