/**
 * S3's conditional writes in front of s3rver, which has none: s3rver 3.7.1 ignores `If-Match` and
 * `If-None-Match` on PutObject (node_modules/s3rver/lib/controllers/object.js, putObject), and so
 * does fauxqs 1.9.2 (dist/s3/actions/putObject.js). S3 has honoured both since 2024; this Koa
 * middleware, put first in s3rver's chain, applies S3's documented rules to a PutObject that
 * carries either header, one write per key at a time as S3 does:
 * - `If-None-Match: *` and an object exists: 412 PreconditionFailed;
 * - `If-Match: "<etag>"` and the object's etag differs: 412 PreconditionFailed; no object: 404 NoSuchKey.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (IfMatch, IfNoneMatch)
 */
interface KoaContext {
  method: string;
  path: string;
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
    if (ctx.method !== 'PUT' || rest.length === 0 || (ifMatch === undefined && ifNoneMatch === undefined) || header(ctx, 'x-amz-copy-source')) {
      return next();
    }
    const key = decodeURIComponent(rest.join('/'));
    const lane = `${bucket}/${key}`;
    const before = lanes.get(lane) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    lanes.set(lane, before.then(() => mine));
    await before;
    try {
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

function header(ctx: KoaContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
