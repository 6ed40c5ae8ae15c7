/**
 * Short-lived signed requests on the two image buckets, so that a client (a browser, a phone)
 * reads and writes objects straight in the store without credentials and without a public
 * bucket: S3 presigned POST and GET, Azure user delegation SAS, Cloud Storage V4 signed URLs, or
 * HMAC-signed URLs to the local server. The store itself checks the signature, the expiry and
 * the conditions; the users API only decides who may ask for one.
 *
 * Listing lives here too: what a client may see of the compressed bucket is its own folder's
 * copies, each with the metadata the images function wrote on it (`handlers/images/compressed-copy.ts`).
 */

/** What a signed upload may create: one object, of one type, at most this size, until then. */
export interface UploadPermit {
  /** The key in the originals bucket. */
  key: string;
  contentType: string;
  /** The largest body the store is to accept (where it can check: not on Azure). */
  maxBytes: number;
  expiresAt: Date;
}

/**
 * A request the client sends as given: a POST is `multipart/form-data` with every `fields` entry
 * first and the file last (named `file`); a PUT sends the bytes as the body with `headers`.
 */
export interface SignedUpload {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  fields: Record<string, string>;
}

/** A compressed copy as listed: its key, size and the metadata the images function wrote. */
export interface ListedCopy {
  key: string;
  size: number;
  metadata: Record<string, string>;
}

export interface CopyPage {
  copies: ListedCopy[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

export interface ObjectUrls {
  signUpload(permit: UploadPermit): Promise<SignedUpload>;
  /** A GET URL for one object of the compressed bucket, valid until `expiresAt`. */
  signDownload(key: string, expiresAt: Date): Promise<string>;
  /** The compressed copy at `key` with its metadata, or undefined when there is none. */
  headCopy(key: string): Promise<ListedCopy | undefined>;
  /**
   * Compressed copies whose key starts with `prefix`, in ascending key order (what every store
   * lists in). Throws `InvalidCursorError` (user-repository.ts) for a cursor it did not issue.
   */
  listCopies(prefix: string, options: { limit: number; cursor?: string }): Promise<CopyPage>;
}
