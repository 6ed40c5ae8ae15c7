/**
 * `/buckets`: the local stand-in for the object store's API.
 * - `PUT /buckets/originals/<key>` stores an upload and, like an S3 notification, queues the
 *   object-created event for the images function: the upload is answered before it runs.
 * - `GET /buckets/<bucket>/<key>` reads an object, its metadata as `x-meta-*` headers.
 * - `GET /buckets/<bucket>?prefix=` lists keys.
 * The key is the rest of the path after the bucket, percent-decoded once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodePath } from './events/http';
import { objectCreatedMessage } from './events/object-created';
import { localBuckets, localQueues } from './environment';
import { HttpProblem, methodNotAllowed, readBody, sendJson } from './http-kit';
import type { LocalPorts } from './wiring';

const knownBuckets: readonly string[] = Object.values(localBuckets);

const typesBySuffix: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp' };

function contentTypeOf(req: IncomingMessage, key: string): string {
  const declared = req.headers['content-type'];
  // curl's --data-binary labels every body as a form; that is never what an upload means
  if (declared && declared !== 'application/x-www-form-urlencoded') return declared;
  const suffix = key.slice(key.lastIndexOf('.')).toLowerCase();
  return typesBySuffix[suffix] ?? 'application/octet-stream';
}

/** `x-meta-<name>` request headers become object metadata, as `x-amz-meta-*` do on S3. */
function metadataOf(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-meta-') && typeof value === 'string') metadata[name.slice('x-meta-'.length)] = value;
  }
  return metadata;
}

/** `encodedRest` is the raw path after `/buckets/`. */
export async function handleBuckets(req: IncomingMessage, res: ServerResponse, encodedRest: string, url: URL, ports: LocalPorts): Promise<void> {
  const slash = encodedRest.indexOf('/');
  const bucket = decodePath(slash < 0 ? encodedRest : encodedRest.slice(0, slash));
  const key = slash < 0 ? '' : decodePath(encodedRest.slice(slash + 1));
  if (!knownBuckets.includes(bucket)) throw new HttpProblem(404, 'Not Found', `no bucket ${JSON.stringify(bucket)}; there are ${knownBuckets.join(' and ')}`);

  if (key === '') {
    if (req.method !== 'GET') throw methodNotAllowed(['GET']);
    const prefix = url.searchParams.get('prefix') ?? '';
    sendJson(res, 200, { bucket, prefix, objects: ports.blobs.list(bucket, prefix) });
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    const object = await ports.blobs.get(bucket, key);
    if (!object) throw new HttpProblem(404, 'Not Found', `no object ${JSON.stringify(key)} in ${bucket}`);
    const headers: Record<string, string | number> = { 'content-type': object.contentType ?? 'application/octet-stream', 'content-length': object.size };
    if (object.etag) headers.etag = `"${object.etag}"`;
    // the console asks for every thumbnail on each refresh: an unchanged one costs a 304
    if (object.etag && req.headers['if-none-match'] === `"${object.etag}"`) {
      res.writeHead(304, { etag: `"${object.etag}"` });
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(object.metadata)) headers[`x-meta-${name}`] = value;
    res.writeHead(200, headers);
    res.end(req.method === 'GET' ? object.bytes : undefined);
    return;
  }
  if (req.method === 'PUT') {
    // only uploads to the originals bucket are taken from outside: the compressed bucket is the
    // function's output, and writing into the bucket that triggers it would loop
    if (bucket !== localBuckets.originals) throw methodNotAllowed(['GET', 'HEAD']);
    const bytes = await readBody(req, ports.settings.images.maxObjectBytes);
    await ports.blobs.put(bucket, key, bytes, { contentType: contentTypeOf(req, key), metadata: metadataOf(req) });
    const head = await ports.blobs.head(bucket, key);
    const event = { bucket, key, size: bytes.length, etag: head?.etag ?? '', eventTime: new Date().toISOString() };
    ports.queue(localQueues.images).enqueue(objectCreatedMessage(event), { bucket, key });
    sendJson(res, 200, event, { etag: `"${event.etag}"` });
    return;
  }
  throw methodNotAllowed(['GET', 'HEAD', 'PUT']);
}
