/**
 * S3's conditional writes in front of s3rver, which has none: s3rver 3.7.1 ignores `If-Match` and
 * `If-None-Match` on PutObject (node_modules/s3rver/lib/controllers/object.js, putObject), and so
 * does fauxqs 1.9.2 (dist/s3/actions/putObject.js). S3 has honoured both since 2024; this Koa
 * middleware, put first in s3rver's chain, applies S3's documented rules to a PutObject that
 * carries either header, one write per key at a time as S3 does:
 * - `If-None-Match: *` and an object exists: 412 PreconditionFailed;
 * - `If-Match: "<etag>"` and the object's etag differs: 412 PreconditionFailed; no object: 404 NoSuchKey.
 * - CopyObject's `x-amz-copy-source-if-match: "<etag>"` and the source's etag differs: 412
 *   PreconditionFailed (s3rver 3.7.1 ignores it too, controllers/object.js putObjectCopy);
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html (CopySourceIfMatch)
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (IfMatch, IfNoneMatch)
 */
interface KoaContext {
  /** The Node request: a refusal reads its body to the end first, as S3 does. */
  req: NodeJS.ReadableStream;
  method: string;
  path: string;
  querystring?: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  set(name: string, value: string): void;
}

interface S3rverStore {
  getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
}

type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** Seen by the tests: every conditional PutObject the gate judged, and how. */
export interface ConditionalWriteLog {
  judged: { key: string; header: string; outcome: 'written' | 'refused' }[];
}

export function conditionalWrites(store: S3rverStore, log: ConditionalWriteLog = { judged: [] }): Middleware {
  const lanes = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    const ifMatch = header(ctx, 'if-match');
    const ifNoneMatch = header(ctx, 'if-none-match');
    const [, bucket, ...rest] = ctx.path.split('/');
    const copyIfMatch = header(ctx, 'x-amz-copy-source-if-match');
    const source = header(ctx, 'x-amz-copy-source');
    if (ctx.method === 'PUT' && source !== undefined && copyIfMatch !== undefined) {
      const [srcBucket, ...srcKey] = decodeURIComponent(source.replace(/^\//, '')).split('/');
      const current = await store.getMetadata(srcBucket, srcKey.join('/')).then(
        (m) => m.etag.replace(/"/g, ''),
        () => undefined,
      );
      log.judged.push({ key: srcKey.join('/'), header: 'x-amz-copy-source-if-match', outcome: current !== undefined && current !== copyIfMatch.replace(/"/g, '') ? 'refused' : 'written' });
      if (current !== undefined && current !== copyIfMatch.replace(/"/g, '')) {
        ctx.status = 412;
        ctx.set('content-type', 'application/xml');
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>`;
        return;
      }
      return next();
    }
    const objectCall = rest.length > 0 && ['GET', 'HEAD', 'PUT'].includes(ctx.method) && !header(ctx, 'x-amz-copy-source') && !/[?&](uploadId|partNumber)=/.test(ctx.querystring ?? '');
    if (!objectCall) return next();
    // One call per key at a time: S3 replaces an object atomically (a reader sees the old object or
    // the new one, whole), while s3rver writes its file in place, so a read overlapping a write can
    // get half an image. The lane also makes the check and the write of a conditional put one step.
    const key = decodeURIComponent(rest.join('/'));
    const lane = `${bucket}/${key}`;
    const before = lanes.get(lane) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    lanes.set(lane, before.then(() => mine));
    await before;
    try {
      if (ctx.method !== 'PUT' || (ifMatch === undefined && ifNoneMatch === undefined)) {
        await next();
        // s3rver answers a GET with a file stream read after this middleware returns: read it now,
        // inside the lane, so that no write to the key can interleave with it.
        if (isReadable(ctx.body)) ctx.body = await readAll(ctx.body);
        return;
      }
      const current = await store.getMetadata(bucket, key).then(
        (m) => m.etag.replace(/"/g, ''),
        () => undefined,
      );
      const refusal =
        ifNoneMatch === '*' && current !== undefined
          ? { status: 412, code: 'PreconditionFailed' }
          : ifMatch !== undefined && current === undefined
            ? { status: 404, code: 'NoSuchKey' }
            : ifMatch !== undefined && ifMatch.replace(/"/g, '') !== current
              ? { status: 412, code: 'PreconditionFailed' }
              : undefined;
      log.judged.push({ key, header: ifMatch !== undefined ? 'If-Match' : 'If-None-Match', outcome: refusal ? 'refused' : 'written' });
      if (refusal) {
        // Answer only once the body is read: a server that answers and closes while the client is
        // still sending makes the client's socket fail ("aborted") instead of reading the 412.
        await drain(ctx.req);
        ctx.status = refusal.status;
        ctx.set('content-type', 'application/xml');
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Key>${key}</Key></Error>`;
        return;
      }
      await next();
    } finally {
      done();
      if (lanes.get(lane) === mine) lanes.delete(lane);
    }
  };
}

function isReadable(body: unknown): body is NodeJS.ReadableStream {
  return typeof body === 'object' && body !== null && typeof (body as NodeJS.ReadableStream).pipe === 'function';
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function header(ctx: KoaContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function drain(req: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    req.on('end', () => resolve());
    req.on('error', () => resolve());
    req.resume();
  });
}
