/**
 * ObjectUrls on S3. Uploads are presigned POSTs (browser-based uploads with a POST policy): a
 * presigned PUT cannot cap the size, a POST policy can, with `content-length-range`, and pins the
 * key and the Content-Type with exact-match conditions. Downloads are presigned GETs. Both are
 * signed locally with the function role's credentials (SigV4): no call to AWS, and a URL signed
 * with temporary credentials stops working when they expire, whichever comes first.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html
 *
 * ListObjectsV2 returns no user metadata, so each listed copy is read with HeadObject (one page
 * is at most the users API's maxPageSize, 100).
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { CopyPage, ListedCopy, ObjectUrls, SignedUpload, UploadPermit } from '../../../handlers/ports/object-urls';
import { InvalidCursorError } from '../../../handlers/ports/user-repository';
import { s3Client } from '../s3-client';

/** SigV4 presigned URLs last at most 7 days (X-Amz-Expires 604800). */
const MAX_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

function secondsUntil(at: Date, now: () => Date): number {
  return Math.min(MAX_EXPIRY_SECONDS, Math.max(1, Math.ceil((at.getTime() - now().getTime()) / 1000)));
}

export class S3ObjectUrls implements ObjectUrls {
  constructor(
    private readonly s3: S3Client,
    private readonly buckets: { originals: string; compressed: string },
    private readonly now: () => Date = () => new Date(),
  ) {}

  async signUpload(permit: UploadPermit): Promise<SignedUpload> {
    const { url, fields } = await createPresignedPost(this.s3, {
      Bucket: this.buckets.originals,
      // The SDK adds `{"key": Key}` and `{"bucket": Bucket}` conditions itself.
      Key: permit.key,
      Fields: { 'Content-Type': permit.contentType },
      Conditions: [
        ['content-length-range', 1, permit.maxBytes],
        ['eq', '$Content-Type', permit.contentType],
      ],
      Expires: secondsUntil(permit.expiresAt, this.now),
    });
    return { method: 'POST', url, headers: {}, fields };
  }

  async signDownload(key: string, expiresAt: Date): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.buckets.compressed, Key: key }), { expiresIn: secondsUntil(expiresAt, this.now) });
  }

  async headCopy(key: string): Promise<ListedCopy | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.buckets.compressed, Key: key }));
      return { key, size: out.ContentLength ?? 0, metadata: { ...(out.Metadata ?? {}) } };
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  async listCopies(prefix: string, { limit, cursor }: { limit: number; cursor?: string }): Promise<CopyPage> {
    let startAfter: string | undefined;
    if (cursor !== undefined) {
      startAfter = Buffer.from(cursor, 'base64url').toString('utf8');
      if (!startAfter.startsWith(prefix) || startAfter === prefix) throw new InvalidCursorError();
    }
    // One key more than the page tells whether another page follows, without S3's
    // continuation token: the cursor is the last key listed, checked above, the same on every store.
    const out = await this.s3.send(new ListObjectsV2Command({ Bucket: this.buckets.compressed, Prefix: prefix, MaxKeys: limit + 1, StartAfter: startAfter }));
    const listed = (out.Contents ?? []).map((o) => o.Key).filter((k): k is string => k !== undefined);
    const keys = listed.slice(0, limit);
    // A copy deleted between the list and its head is left out rather than failing the page.
    const copies = (await Promise.all(keys.map((key) => this.headCopy(key)))).filter((c): c is ListedCopy => c !== undefined);
    const page: CopyPage = { copies };
    if (listed.length > limit) page.nextCursor = Buffer.from(keys[keys.length - 1]).toString('base64url');
    return page;
  }
}

/**
 * The users function's ObjectUrls on this process's S3 client: what ../wiring.ts loads on the
 * first image route (./object-urls-on-first-use.ts), the entry of the package's object-urls.js.
 */
export function s3ObjectUrls(buckets: { originals: string; compressed: string }): S3ObjectUrls {
  return new S3ObjectUrls(s3Client(), buckets);
}
