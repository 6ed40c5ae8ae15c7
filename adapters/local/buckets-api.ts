/**
 * `/buckets`: the local stand-in for the object store's API.
 * - `PUT /buckets/originals/<key>` stores an upload and, like an S3 notification, queues the
 *   object-created event for the images function: the upload is answered before it runs.
 * - `GET /buckets/<bucket>/<key>` reads an object, its metadata as `x-meta-*` headers.
 * - `GET /buckets/<bucket>?prefix=` lists keys.
 * The key is the rest of the path after the bucket, percent-decoded once.
 *
 * Uploads stream to disk and at most `maxConcurrentUploads` run at once (uploads.ts).
 * Objects are served as they would be from a bucket on another origin: never sniffed, and as
 * attachments unless they are raster images, so that an uploaded HTML or SVG page cannot run
 * script on the console's origin.
 */
import type { ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ObjectHead } from '../../handlers/ports/blob-store';
import { whenNotBusy } from './busy';
import { decodePath } from './events/http';
import { localBuckets } from './environment';
import { HttpProblem, methodNotAllowed, sendJson } from './http-kit';
import { storeUpload, type UploadSlots } from './uploads';
import type { LocalPorts } from './wiring';

/** Types a browser renders as pictures and never as a document or script (SVG is a document). */
const INLINE_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);

function servingHeaders(contentType: string, key: string): Record<string, string> {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  const name = key.slice(key.lastIndexOf('/') + 1) || 'object';
  return {
    'x-content-type-options': 'nosniff',
    // even if a browser renders it, the object may not run script or load anything
    'content-security-policy': "default-src 'none'; sandbox",
    'content-disposition': `${INLINE_TYPES.has(mediaType) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
  };
}

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
export async function handleBuckets(
  req: IncomingMessage,
  res: ServerResponse,
  encodedRest: string,
  url: URL,
  ports: LocalPorts,
  uploads: UploadSlots,
): Promise<void> {
  const slash = encodedRest.indexOf('/');
  const bucket = decodePath(slash < 0 ? encodedRest : encodedRest.slice(0, slash));
  const key = slash < 0 ? '' : decodePath(encodedRest.slice(slash + 1));
  if (!knownBuckets.includes(bucket)) throw new HttpProblem(404, 'Not Found', `no bucket ${JSON.stringify(bucket)}; there are ${knownBuckets.join(' and ')}`);

  if (key === '') {
    if (req.method !== 'GET') throw methodNotAllowed(['GET']);
    const prefix = url.searchParams.get('prefix') ?? '';
    sendJson(res, 200, { bucket, prefix, objects: await whenNotBusy(() => ports.blobs.list(bucket, prefix)) });
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    const { object, file } = await openObject(ports, bucket, key);
    const contentType = object.contentType ?? 'application/octet-stream';
    const headers: Record<string, string | number> = { 'content-type': contentType, 'content-length': file.size, ...servingHeaders(contentType, key) };
    if (object.etag) headers.etag = `"${object.etag}"`;
    // the console asks for every thumbnail on each refresh: an unchanged one costs a 304
    if (object.etag && req.headers['if-none-match'] === `"${object.etag}"`) {
      file.stream.destroy();
      res.writeHead(304, { etag: `"${object.etag}"`, 'x-content-type-options': 'nosniff' });
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(object.metadata)) headers[`x-meta-${name}`] = value;
    res.writeHead(200, headers);
    await sendBody(req, res, file);
    return;
  }
  if (req.method === 'PUT') {
    // only uploads to the originals bucket are taken from outside: the compressed bucket is the
    // function's output, and writing into the bucket that triggers it would loop
    if (bucket !== localBuckets.originals) throw methodNotAllowed(['GET', 'HEAD']);
    const limit = ports.settings.images.maxObjectBytes;
    const event = await storeUpload(req, ports, uploads, {
      key,
      contentType: contentTypeOf(req, key),
      metadata: metadataOf(req),
      maxBytes: limit,
      tooLarge: `the limit is ${limit} bytes`,
    });
    sendJson(res, 200, event, { etag: `"${event.etag}"` });
    return;
  }
  throw methodNotAllowed(['GET', 'HEAD', 'PUT']);
}

/**
 * An object to serve: its row and its file, opened once so that the size sent and the bytes sent
 * are the same version's (streamed from the file, not read whole into memory). 404 problem when
 * either is missing (a row whose file a concurrent overwrite replaced counts as missing);
 * `headers` go on that problem (CORS for a signed download).
 */
export async function openObject(ports: LocalPorts, bucket: string, key: string, headers: Record<string, string> = {}): Promise<{ object: ObjectHead; file: OpenFile }> {
  const notFound = () => new HttpProblem(404, 'Not Found', `no object ${JSON.stringify(key)} in ${bucket}`, headers);
  const object = await ports.blobs.head(bucket, key);
  if (!object) throw notFound();
  const file = await openForReading(ports.blobs.pathOf(bucket, key));
  if (!file) throw notFound();
  return { object, file };
}

/** The 200's body after its head: none to a HEAD (the file is closed), else the file streamed. */
export async function sendBody(req: IncomingMessage, res: ServerResponse, file: OpenFile): Promise<void> {
  if (req.method === 'HEAD') {
    file.stream.destroy();
    res.end();
    return;
  }
  await pipeline(file.stream, res);
}

interface OpenFile {
  stream: ReadStream;
  size: number;
}

/** The object's file, opened once so that its size and its bytes are the same version's. */
async function openForReading(path: string): Promise<OpenFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    return { stream: handle.createReadStream(), size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
