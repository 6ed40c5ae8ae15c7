/** BlobStore on S3. Metadata travels as `x-amz-meta-*` user metadata, which S3 returns lower-cased. */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ObjectChangedError, type BlobStore, type ObjectHead, type PutOptions, type StoredObject } from '../../../handlers/ports/blob-store';

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  // GetObject says NoSuchKey; HeadObject has no body to say it in, so only its 404 tells.
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * A conditional PutObject that lost: 412 PreconditionFailed (the etag differs, or `If-None-Match: *`
 * found an object), 409 ConditionalRequestConflict (a concurrent write to the key; AWS says fetch
 * the etag again and retry, which is what the caller of an ObjectChangedError does), and 404
 * NoSuchKey (`If-Match` on an object deleted since it was read).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
function lostCondition(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return status === 412 || status === 409 || status === 404 || e?.name === 'PreconditionFailed' || e?.name === 'ConditionalRequestConflict';
}

const unquote = (etag: string | undefined) => etag?.replace(/"/g, '');

export class S3BlobStore implements BlobStore {
  constructor(private readonly s3: S3Client) {}

  async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return describe(out);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await out.Body!.transformToByteArray();
      return { ...describe(out), size: bytes.byteLength, bytes };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async put(bucket: string, key: string, bytes: Uint8Array, options: PutOptions): Promise<void> {
    // One PutObject with a known length: readers see the old object or the new one, never a part.
    // With `ifVersion`, S3's conditional write: `If-Match: "<etag>"`, or `If-None-Match: *` to
    // create only (S3 since 2024; the caller's role needs s3:GetObject as well for If-Match).
    const condition =
      options.ifVersion === undefined ? {} : options.ifVersion === null ? { IfNoneMatch: '*' } : { IfMatch: `"${options.ifVersion}"` };
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType: options.contentType,
          Metadata: options.metadata,
          ...condition,
        }),
      );
    } catch (err) {
      if (options.ifVersion !== undefined && lostCondition(err)) throw new ObjectChangedError(bucket, key, { cause: err });
      throw err;
    }
  }
}

function describe(out: { ContentLength?: number; ContentType?: string; Metadata?: Record<string, string>; ETag?: string }): ObjectHead {
  const head: ObjectHead = { size: out.ContentLength ?? 0, metadata: { ...(out.Metadata ?? {}) } };
  if (out.ContentType) head.contentType = out.ContentType;
  const etag = unquote(out.ETag);
  if (etag) {
    head.etag = etag;
    head.version = etag;
  }
  return head;
}
