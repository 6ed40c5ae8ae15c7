/**
 * HMAC-signed URLs to the local server: `/signed/<bucket>/<key>?X-Expires&X-Max-Bytes&
 * X-Content-Type&X-Signature`, the signature an HMAC-SHA256 over the method, bucket, key and
 * every condition, so that changing any of them (another key, a later expiry, a larger size)
 * breaks it. The same shape as the clouds' signed URLs, so a client is written once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNED_PREFIX = '/signed/';

export interface SignedTerms {
  method: 'PUT' | 'GET';
  bucket: string;
  key: string;
  /** Seconds since the epoch. */
  expires: number;
  /** Uploads only. */
  maxBytes?: number;
  contentType?: string;
}

const PARAMS = { expires: 'X-Expires', maxBytes: 'X-Max-Bytes', contentType: 'X-Content-Type', signature: 'X-Signature' } as const;

function signatureOf(secret: Buffer, t: SignedTerms): Buffer {
  const canonical = [t.method, t.bucket, t.key, String(t.expires), t.maxBytes === undefined ? '' : String(t.maxBytes), t.contentType ?? ''].join('\n');
  return createHmac('sha256', secret).update(canonical).digest();
}

/** The path and query of a signed URL (the caller prefixes the server's base URL). */
export function signPath(secret: Buffer, terms: SignedTerms): string {
  const query = new URLSearchParams({ [PARAMS.expires]: String(terms.expires) });
  if (terms.maxBytes !== undefined) query.set(PARAMS.maxBytes, String(terms.maxBytes));
  if (terms.contentType !== undefined) query.set(PARAMS.contentType, terms.contentType);
  query.set(PARAMS.signature, signatureOf(secret, terms).toString('hex'));
  const path = [terms.bucket, ...terms.key.split('/')].map(encodeURIComponent).join('/');
  return `${SIGNED_PREFIX}${path}?${query}`;
}

export type Verdict = { ok: true; terms: SignedTerms } | { ok: false; reason: string };

/** Checks a request's signature and expiry; `bucket` and `key` are the decoded path parts. */
export function verifySigned(secret: Buffer, method: 'PUT' | 'GET', bucket: string, key: string, query: URLSearchParams, nowMs: number): Verdict {
  const expires = Number(query.get(PARAMS.expires));
  const maxBytes = query.get(PARAMS.maxBytes);
  const contentType = query.get(PARAMS.contentType);
  const given = Buffer.from(query.get(PARAMS.signature) ?? '', 'hex');
  if (!Number.isInteger(expires) || given.length === 0) return { ok: false, reason: 'the URL is not signed' };
  const terms: SignedTerms = { method, bucket, key, expires };
  if (maxBytes !== null) terms.maxBytes = Number(maxBytes);
  if (contentType !== null) terms.contentType = contentType;
  const expected = signatureOf(secret, terms);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'the signature does not match' };
  // Checked after the signature, so that an expiry cannot be forged to look merely expired.
  if (nowMs > expires * 1000) return { ok: false, reason: 'the URL has expired' };
  return { ok: true, terms };
}
