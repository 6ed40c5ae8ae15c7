/**
 * A stand-in for the Cloud Storage JSON API, for the GCS BlobStore tests: no emulator installs
 * here. It answers exactly the calls `@google-cloud/storage` makes for GcsBlobStore, shaped from
 * Google's documented responses (https://cloud.google.com/storage/docs/json_api/v1/objects):
 * - objects.get (metadata):  GET  [/storage/v1]/b/{bucket}/o/{object}            -> object resource, 404 error body
 * - objects.get (media):     GET  [/storage/v1]/b/{bucket}/o/{object}?alt=media  -> bytes, `x-goog-hash`, `x-goog-generation`
 * - objects.insert:          POST /upload/storage/v1/b/{bucket}/o?uploadType=multipart -> object resource
 *   (multipart/related: a JSON metadata part, then the media part), with the preconditions
 *   `ifGenerationMatch` (0: only if there is no live object) and `ifMetagenerationMatch`: a
 *   precondition that does not hold is 412 conditionNotMet and writes nothing
 *   (https://cloud.google.com/storage/docs/request-preconditions)
 * - objects.list:            GET  [/storage/v1]/b/{bucket}/o?prefix&maxResults&pageToken -> `storage#objects`
 *   with `items` in name order and `nextPageToken` while more follow; 400 for a token it did not issue
 * - objects.rewrite:         POST [/storage/v1]/b/{bucket}/o/{object}/rewriteTo/b/{bucket}/o/{object}
 *   -> `storage#rewriteResponse` `{totalBytesRewritten, objectSize, done: true, resource}` in one call
 *   (small objects), the destination a new generation with the source's bytes and metadata (fields
 *   in the request body override them); `sourceGeneration` and `ifGenerationMatch` (on the
 *   destination) as above (https://cloud.google.com/storage/docs/json_api/v1/objects/rewrite)
 * Anything else answers 501, so a new call the adapter starts making fails loudly here.
 */
import { CRC32C } from '@google-cloud/storage';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

interface StoredObject {
  resource: Record<string, unknown>;
  bytes: Buffer;
}

export interface GcsStandIn {
  endpoint: string;
  /** Every request seen, as `METHOD path?query`, for tests that check which calls were made. */
  calls: string[];
  /** Objects by `bucket/name`. */
  objects: Map<string, StoredObject>;
  /**
   * Answers the next `count` requests with `status` (403 by default: a status the client does not
   * retry, as when a project's billing is disabled), to exercise an outage.
   */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

export async function startGcsStandIn(buckets: string[]): Promise<GcsStandIn> {
  const objects = new Map<string, StoredObject>();
  const calls: string[] = [];
  let generation = 1_700_000_000_000_000;
  const failures = { count: 0, status: 403 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (err) {
        error(res, 500, String(err));
      }
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    if (failures.count > 0) {
      failures.count--;
      return error(res, failures.status, 'The billing account for the owning project is disabled in state absent.');
    }
    const upload = url.pathname.match(/^\/upload\/storage\/v1\/b\/([^/]+)\/o$/);
    if (req.method === 'POST' && upload && url.searchParams.get('uploadType') === 'multipart') {
      const bucket = decodeURIComponent(upload[1]);
      if (!buckets.includes(bucket)) return error(res, 404, 'The specified bucket does not exist.');
      const { metadata, media } = parseMultipart(req.headers['content-type'] ?? '', body);
      const name = String(url.searchParams.get('name') ?? metadata.name ?? '');
      const live = objects.get(`${bucket}/${name}`)?.resource;
      const ifGeneration = url.searchParams.get('ifGenerationMatch');
      const ifMetageneration = url.searchParams.get('ifMetagenerationMatch');
      const generationHolds = ifGeneration === null || (ifGeneration === '0' ? !live : live?.generation === ifGeneration);
      const metagenerationHolds = ifMetageneration === null || (live !== undefined && live.metageneration === ifMetageneration);
      if (!generationHolds || !metagenerationHolds) return error(res, 412, 'At least one of the pre-conditions you specified did not hold.');
      const resource = objectResource(bucket, name, media, metadata, String(++generation));
      objects.set(`${bucket}/${name}`, { resource, bytes: media });
      return json(res, 200, resource);
    }
    // With STORAGE_EMULATOR_HOST the client drops the `/storage/v1` prefix from non-upload calls.
    const rewrite = url.pathname.match(/^(?:\/storage\/v1)?\/b\/([^/]+)\/o\/(.+)\/rewriteTo\/b\/([^/]+)\/o\/(.+)$/);
    if (req.method === 'POST' && rewrite) {
      const [from, to] = [`${decodeURIComponent(rewrite[1])}/${decodeURIComponent(rewrite[2])}`, `${decodeURIComponent(rewrite[3])}/${decodeURIComponent(rewrite[4])}`];
      const source = objects.get(from);
      const wanted = url.searchParams.get('sourceGeneration');
      if (!source || (wanted && wanted !== source.resource.generation)) return error(res, 404, 'No such object.');
      if (!buckets.includes(decodeURIComponent(rewrite[3]))) return error(res, 404, 'The specified bucket does not exist.');
      const live = objects.get(to)?.resource;
      const ifGeneration = url.searchParams.get('ifGenerationMatch');
      if (ifGeneration !== null && !(ifGeneration === '0' ? !live : live?.generation === ifGeneration)) {
        return error(res, 412, 'At least one of the pre-conditions you specified did not hold.');
      }
      const override = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      const metadata = { contentType: source.resource.contentType, metadata: source.resource.metadata, ...override };
      const resource = objectResource(decodeURIComponent(rewrite[3]), decodeURIComponent(rewrite[4]), source.bytes, metadata, String(++generation));
      objects.set(to, { resource, bytes: source.bytes });
      return json(res, 200, { kind: 'storage#rewriteResponse', totalBytesRewritten: String(source.bytes.length), objectSize: String(source.bytes.length), done: true, resource });
    }
    const listing = url.pathname.match(/^(?:\/storage\/v1)?\/b\/([^/]+)\/o$/);
    if (req.method === 'GET' && listing) return list(res, decodeURIComponent(listing[1]), url.searchParams);
    const object = url.pathname.match(/^(?:\/storage\/v1)?\/b\/([^/]+)\/o\/(.+)$/);
    if (req.method === 'GET' && object) {
      const stored = objects.get(`${decodeURIComponent(object[1])}/${decodeURIComponent(object[2])}`);
      const wanted = url.searchParams.get('generation');
      if (!stored || (wanted && wanted !== stored.resource.generation)) return error(res, 404, 'No such object.');
      if (url.searchParams.get('alt') !== 'media') return json(res, 200, stored.resource);
      res.writeHead(200, {
        'content-type': String(stored.resource.contentType),
        'content-length': stored.bytes.length,
        'x-goog-generation': String(stored.resource.generation),
        'x-goog-hash': `crc32c=${stored.resource.crc32c},md5=${stored.resource.md5Hash}`,
        'x-goog-stored-content-encoding': 'identity',
      });
      return res.end(stored.bytes);
    }
    error(res, 501, `the stand-in does not implement ${req.method} ${url.pathname}`);
  }

  function list(res: ServerResponse, bucket: string, q: URLSearchParams) {
    const prefix = q.get('prefix') ?? '';
    const max = Number(q.get('maxResults') ?? 1000);
    const token = q.get('pageToken');
    const after = token === null ? undefined : Buffer.from(token, 'base64url').toString('utf8');
    if (token !== null && !after!.startsWith(`${bucket}/`)) return error(res, 400, 'Invalid page token.');
    const names = [...objects.keys()]
      .filter((id) => id.startsWith(`${bucket}/${prefix}`) && (after === undefined || id > after))
      .sort();
    const page = names.slice(0, max);
    const body: Record<string, unknown> = { kind: 'storage#objects', items: page.map((id) => objects.get(id)!.resource) };
    if (names.length > max) body.nextPageToken = Buffer.from(page[page.length - 1]).toString('base64url');
    return json(res, 200, body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    objects,
    failNext: (count, status = 403) => Object.assign(failures, { count, status }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The object resource as objects.insert and objects.get return it. */
function objectResource(bucket: string, name: string, media: Buffer, metadata: Record<string, unknown>, generation: string) {
  const now = new Date().toISOString();
  return {
    kind: 'storage#object',
    id: `${bucket}/${name}/${generation}`,
    name,
    bucket,
    generation,
    metageneration: '1',
    contentType: metadata.contentType ?? 'application/octet-stream',
    size: String(media.length),
    md5Hash: createHash('md5').update(media).digest('base64'),
    crc32c: crc32cOf(media),
    etag: Buffer.from(generation).toString('base64'),
    timeCreated: now,
    updated: now,
    storageClass: 'STANDARD',
    ...(metadata.metadata ? { metadata: metadata.metadata } : {}),
  };
}

/** multipart/related with two parts: the JSON resource, then the bytes. */
function parseMultipart(contentType: string, body: Buffer): { metadata: Record<string, unknown>; media: Buffer } {
  const boundary = contentType.match(/boundary="?([^";]+)"?/)?.[1];
  if (!boundary) throw new Error('multipart upload without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    parts.push(body.subarray(start + delimiter.length, next));
    start = next;
  }
  const [meta, media] = parts.map((p) => {
    const headerEnd = p.indexOf('\r\n\r\n');
    return p.subarray(headerEnd + 4, p.length - 2); // drop the CRLF before the next delimiter
  });
  return { metadata: JSON.parse(meta.toString()) as Record<string, unknown>, media };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** The JSON API's error shape (https://cloud.google.com/storage/docs/json_api/v1/status-codes). */
function error(res: ServerResponse, code: number, message: string) {
  json(res, code, { error: { code, message, errors: [{ message, domain: 'global', reason: code === 404 ? 'notFound' : code === 403 ? 'accountDisabled' : code === 412 ? 'conditionNotMet' : 'backendError' }] } });
}

/** Base64 of the big-endian CRC32C, as the API reports it. */
function crc32cOf(bytes: Buffer): string {
  const crc = new CRC32C();
  crc.update(bytes);
  return crc.toString();
}
