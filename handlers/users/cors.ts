/**
 * CORS from `settings.corsOrigins`: an allowed Origin is reflected (with `Vary: Origin`, so a
 * cache never serves one origin's answer to another); `*` is sent only when `*` is listed; an
 * empty list sends no CORS header at all.
 */
import type { HttpRequest } from '../events';
import type { UsersSettings } from '../specs';

/** Headers a browser may send on a cross-origin request to this API (API Gateway's CORS config lists the same). */
export const allowedRequestHeaders = ['authorization', 'content-type', 'if-match', 'if-none-match'] as const;
const ALLOWED_REQUEST_HEADERS = allowedRequestHeaders.join(', ');
/** Response headers a browser script may read (ETag and Location are not CORS-safelisted). */
const EXPOSED_HEADERS = 'etag, location';
/** Browsers cap this anyway (Chromium at 7200 s); 10 minutes keeps policy changes quick. */
const PREFLIGHT_MAX_AGE_S = '600';

export interface Cors {
  /** Headers for an actual (non-preflight) response; empty when CORS does not apply. */
  responseHeaders(request: HttpRequest): Record<string, string>;
  /** True for a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
  isPreflight(request: HttpRequest): boolean;
  /** Headers for a preflight answer, or undefined when the origin is not allowed. */
  preflightHeaders(request: HttpRequest, allow: readonly string[]): Record<string, string> | undefined;
}

export function corsFor(settings: UsersSettings): Cors {
  const origins = settings.corsOrigins;
  const any = origins.includes('*');

  function allowOrigin(request: HttpRequest): Record<string, string> | undefined {
    const origin = request.headers['origin'];
    if (origins.length === 0 || origin === undefined) return undefined;
    if (origins.includes(origin)) return { 'access-control-allow-origin': origin, vary: 'Origin' };
    if (any) return { 'access-control-allow-origin': '*' };
    return undefined;
  }

  return {
    responseHeaders(request): Record<string, string> {
      const base = allowOrigin(request);
      // A refused origin still varies the answer (a listed origin would get headers), unless `*`.
      if (!base) return origins.length > 0 && !any ? { vary: 'Origin' } : {};
      return { ...base, 'access-control-expose-headers': EXPOSED_HEADERS };
    },
    isPreflight(request) {
      return (
        request.method === 'OPTIONS' &&
        request.headers['origin'] !== undefined &&
        request.headers['access-control-request-method'] !== undefined
      );
    },
    preflightHeaders(request, allow) {
      const base = allowOrigin(request);
      if (!base) return undefined;
      return {
        ...base,
        'access-control-allow-methods': allow.join(', '),
        'access-control-allow-headers': ALLOWED_REQUEST_HEADERS,
        'access-control-max-age': PREFLIGHT_MAX_AGE_S,
      };
    },
  };
}
