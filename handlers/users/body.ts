/**
 * Reading a request body into JSON, in the order that tells the client most: 413 (too large,
 * judged by Content-Length and by the bytes actually received), 415 (not JSON), 400 (not
 * UTF-8 or malformed JSON). What the JSON must contain is `validation.ts`'s job.
 */
import type { HttpRequest } from '../events';
import { HttpProblem } from './problem';

/** `application/json` and the `+json` structured-syntax suffix (RFC 6839), any parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

export function readJsonBody(request: HttpRequest, maxBodyBytes: number): unknown {
  const declared = request.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > maxBodyBytes) {
    throw new HttpProblem(413, `the body is ${declared} bytes; at most ${maxBodyBytes} are accepted`);
  }
  const bytes = request.body ?? new Uint8Array();
  if (bytes.byteLength > maxBodyBytes) {
    // "at least": an adapter may stop reading once it has more than the limit (the local
    // server does, so that an endless body is never buffered), so this may be a prefix.
    throw new HttpProblem(413, `the body is at least ${bytes.byteLength} bytes; at most ${maxBodyBytes} are accepted`);
  }
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim();
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    // A 415 to a PATCH names the patch formats accepted (RFC 5789 section 2.2).
    const headers: Record<string, string> = request.method === 'PATCH' ? { 'accept-patch': 'application/json' } : {};
    throw new HttpProblem(415, `the body must be application/json, got ${mediaType || 'no content type'}`, headers);
  }
  let text: string;
  try {
    // JSON text exchanged between systems must be UTF-8 (RFC 8259 section 8.1).
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpProblem(400, 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpProblem(400, `the body is not valid JSON: ${(err as Error).message}`);
  }
}
