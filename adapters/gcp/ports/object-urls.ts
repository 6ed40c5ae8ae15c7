/**
 * ObjectUrls on Cloud Storage: V4 signed URLs made by `@google-cloud/storage`'s own signer. In
 * Cloud Functions the credentials hold no private key, so the library signs through the IAM
 * Credentials API (`signBlob`) as the function's own service account, which therefore needs
 * `iam.serviceAccounts.signBlob` on itself (roles/iam.serviceAccountTokenCreator, infra/gcp).
 * https://cloud.google.com/storage/docs/access-control/signed-urls
 * - an upload is a signed PUT whose signed headers the client must send as given: the Content-Type,
 *   `x-goog-content-length-range: 1,<max>` (Cloud Storage refuses a body outside the range) and
 *   `x-goog-if-generation-match: 0` (the object must not exist yet: create-only, as on Azure);
 *   https://cloud.google.com/storage/docs/xml-api/reference-headers#xgoogcontentlengthrange
 * - a download is a signed GET.
 */
import type { File, FileMetadata, Storage } from '@google-cloud/storage';
import type { CopyPage, ListedCopy, ObjectUrls, SignedUpload, UploadPermit } from '../../../handlers/ports/object-urls';
import { InvalidCursorError } from '../../../handlers/ports/user-repository';

export interface GcsSigningOptions {
  /** The IAM Credentials endpoint the library's signer posts `signBlob` to; its default in Cloud Functions. */
  signingEndpoint?: string;
}

export class GcsObjectUrls implements ObjectUrls {
  private client?: Storage;

  /**
   * `connect` builds the client on first use: the users function loads the Storage SDK only when
   * an image route is called, not on every cold start (../sdk.ts).
   */
  constructor(
    private readonly connect: () => Storage,
    private readonly buckets: { originals: string; compressed: string },
    private readonly options: GcsSigningOptions = {},
  ) {}

  private get storage(): Storage {
    return (this.client ??= this.connect());
  }

  async signUpload(permit: UploadPermit): Promise<SignedUpload> {
    const headers = {
      'x-goog-content-length-range': `1,${permit.maxBytes}`,
      'x-goog-if-generation-match': '0',
    };
    const [url] = await this.storage.bucket(this.buckets.originals).file(permit.key).getSignedUrl({
      version: 'v4',
      action: 'write',
      expires: permit.expiresAt,
      contentType: permit.contentType,
      extensionHeaders: headers,
      ...this.options,
    });
    return { method: 'PUT', url, headers: { 'content-type': permit.contentType, ...headers }, fields: {} };
  }

  async signDownload(key: string, expiresAt: Date): Promise<string> {
    const [url] = await this.storage.bucket(this.buckets.compressed).file(key).getSignedUrl({ version: 'v4', action: 'read', expires: expiresAt, ...this.options });
    return url;
  }

  async headCopy(key: string): Promise<ListedCopy | undefined> {
    try {
      const [metadata] = await this.storage.bucket(this.buckets.compressed).file(key).getMetadata();
      return copyOf(key, metadata);
    } catch (err) {
      if ((err as { code?: unknown }).code === 404) return undefined;
      throw err;
    }
  }

  async listCopies(prefix: string, { limit, cursor }: { limit: number; cursor?: string }): Promise<CopyPage> {
    try {
      // objects.list returns each object's resource, custom metadata included: no head per copy.
      const [files, next] = await this.storage
        .bucket(this.buckets.compressed)
        .getFiles({ prefix, maxResults: limit, pageToken: cursor, autoPaginate: false });
      const page: CopyPage = { copies: files.map((f: File) => copyOf(f.name, f.metadata)) };
      const token = (next as { pageToken?: string } | null)?.pageToken;
      if (token) page.nextCursor = token;
      return page;
    } catch (err) {
      // Cloud Storage answers 400 to a page token it did not issue.
      if (cursor !== undefined && (err as { code?: unknown }).code === 400) throw new InvalidCursorError();
      throw err;
    }
  }
}

function copyOf(key: string, m: FileMetadata): ListedCopy {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.metadata ?? {})) if (v !== null && v !== undefined) metadata[k] = String(v);
  return { key, size: Number(m.size ?? 0), metadata };
}
