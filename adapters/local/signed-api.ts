/**
 * `/signed/<bucket>/<key>`: what the local runtime's "store" does with a signed URL, as S3, Azure
 * and Cloud Storage do with theirs. The signature, expiry and conditions are checked here, before
 * anything is stored:
 * - `PUT /signed/originals/<key>`: 403 for a bad or expired signature or another content type,
 *   413 over the signed size, 409 when the object exists already (a signed upload creates, as an
 *   Azure create-only SAS does); otherwise the upload is streamed to disk within the server's
 *   upload slots (503 above them) and the images function queued (uploads.ts);
 * - `GET /signed/compressed/<key>`: the copy's bytes, streamed from the file, 403 for a bad or
 *   expired signature.
 * A preflight is answered for the users API's `corsOrigins`, PUT only, as the clouds' bucket CORS is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsFor } from '../../handlers/users/cors';
import { decodePath } from './events/http';
import { openObject, sendBody } from './buckets-api';
import { localBuckets } from './environment';
import { HttpProblem, methodNotAllowed, sendJson } from './http-kit';
import { verifySigned } from './signed-urls';
import { createOnlyConflict, storeUpload, type UploadSlots } from './uploads';
import type { LocalPorts } from './wiring';

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') out[name] = value;
  return out;
}

/** `encodedRest` is the raw path after `/signed/`. */
export async function handleSigned(req: IncomingMessage, res: ServerResponse, encodedRest: string, url: URL, ports: LocalPorts, uploads: UploadSlots): Promise<void> {
  const cors = corsFor(ports.settings.users);
  const neutral = { method: req.method ?? 'GET', path: url.pathname, query: {}, headers: headersOf(req) };
  const corsHeaders = cors.responseHeaders(neutral);
  if (cors.isPreflight(neutral)) {
    const headers = cors.preflightHeaders(neutral, ['PUT']);
    if (!headers) throw new HttpProblem(403, 'Forbidden', `origin ${neutral.headers.origin} is not allowed`);
    res.writeHead(204, headers);
    res.end();
    return;
  }
  const slash = encodedRest.indexOf('/');
  const bucket = decodePath(slash < 0 ? encodedRest : encodedRest.slice(0, slash));
  const key = slash < 0 ? '' : decodePath(encodedRest.slice(slash + 1));
  const method = bucket === localBuckets.originals ? 'PUT' : bucket === localBuckets.compressed ? 'GET' : undefined;
  if (!method || key === '') throw new HttpProblem(404, 'Not Found', `nothing to sign at ${url.pathname}`);
  const allowed = method === 'GET' ? ['GET', 'HEAD'] : ['PUT'];
  if (!allowed.includes(req.method ?? '')) throw methodNotAllowed(allowed);
  const verdict = verifySigned(ports.signingKey, method, bucket, key, url.searchParams, ports.clock.now().getTime());
  if (!verdict.ok) throw new HttpProblem(403, 'Forbidden', verdict.reason, corsHeaders);

  if (method === 'GET') {
    const { object, file } = await openObject(ports, bucket, key, corsHeaders);
    res.writeHead(200, { ...corsHeaders, 'content-type': object.contentType ?? 'application/octet-stream', 'content-length': file.size, 'x-content-type-options': 'nosniff' });
    await sendBody(req, res, file);
    return;
  }

  const { maxBytes = 0, contentType } = verdict.terms;
  if (req.headers['content-type'] !== contentType) {
    throw new HttpProblem(403, 'Forbidden', `the upload was signed for content type ${contentType}`, corsHeaders);
  }
  // refused before the body is read when it is plain already; uploads.ts checks again at commit
  if (await ports.blobs.head(bucket, key)) throw createOnlyConflict(key, corsHeaders);
  const event = await storeUpload(req, ports, uploads, {
    key,
    contentType: contentType ?? 'application/octet-stream',
    metadata: {},
    maxBytes,
    createOnly: true,
    tooLarge: `the upload was signed for at most ${maxBytes} bytes`,
    headers: corsHeaders,
  });
  sendJson(res, 201, event, { ...corsHeaders, etag: `"${event.etag}"` });
}
