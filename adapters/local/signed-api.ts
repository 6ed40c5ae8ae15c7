/**
 * `/signed/<bucket>/<key>`: what the local runtime's "store" does with a signed URL, as S3, Azure
 * and Cloud Storage do with theirs. The signature, expiry and conditions are checked here, before
 * anything is stored:
 * - `PUT /signed/originals/<key>`: 403 for a bad or expired signature or another content type,
 *   413 over the signed size, 409 when the object exists already (a signed upload creates, as an
 *   Azure create-only SAS does); otherwise the upload is stored and the images function queued;
 * - `GET /signed/compressed/<key>`: the copy's bytes, 403 for a bad or expired signature.
 * A preflight is answered for the users API's `corsOrigins`, PUT only, as the clouds' bucket CORS is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsFor } from '../../handlers/users/cors';
import { decodePath } from './events/http';
import { objectCreatedMessage } from './events/object-created';
import { localBuckets, localQueues } from './environment';
import { HttpProblem, methodNotAllowed, readBody, sendJson } from './http-kit';
import { verifySigned } from './signed-urls';
import type { LocalPorts } from './wiring';

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') out[name] = value;
  return out;
}

/** `encodedRest` is the raw path after `/signed/`. */
export async function handleSigned(req: IncomingMessage, res: ServerResponse, encodedRest: string, url: URL, ports: LocalPorts): Promise<void> {
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
    const object = await ports.blobs.get(bucket, key);
    if (!object) throw new HttpProblem(404, 'Not Found', `no object ${JSON.stringify(key)} in ${bucket}`, corsHeaders);
    res.writeHead(200, { ...corsHeaders, 'content-type': object.contentType ?? 'application/octet-stream', 'content-length': object.size, 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'GET' ? object.bytes : undefined);
    return;
  }

  const { maxBytes = 0, contentType } = verdict.terms;
  if (req.headers['content-type'] !== contentType) {
    throw new HttpProblem(403, 'Forbidden', `the upload was signed for content type ${contentType}`, corsHeaders);
  }
  if (await ports.blobs.head(bucket, key)) throw new HttpProblem(409, 'Conflict', `${key} exists already; a signed upload only creates`, corsHeaders);
  let bytes: Buffer;
  try {
    bytes = await readBody(req, maxBytes);
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 413) throw new HttpProblem(413, err.title, `the upload was signed for at most ${maxBytes} bytes`, corsHeaders);
    throw err;
  }
  await ports.blobs.put(bucket, key, bytes, { contentType: contentType ?? 'application/octet-stream', metadata: {} });
  const head = await ports.blobs.head(bucket, key);
  const event = { bucket, key, size: bytes.length, etag: head?.etag ?? '', eventTime: ports.clock.now().toISOString() };
  ports.queue(localQueues.images).enqueue(objectCreatedMessage(event), { bucket, key });
  sendJson(res, 201, event, { ...corsHeaders, etag: `"${event.etag}"` });
}
