/**
 * Object storage: S3, Azure Blob, Cloud Storage, or folders on disk.
 *
 * Metadata keys are lower-case ASCII and values are strings: the common ground of S3 user
 * metadata (`x-amz-meta-*`), Azure blob metadata (C# identifiers, case-insensitive) and GCS
 * custom metadata. Keys use `-` in the core (`original-size`); an adapter whose store refuses
 * `-` (Azure) maps it and maps it back, so that `get` returns what `put` was given.
 */

export interface ObjectHead {
  size: number;
  contentType?: string;
  metadata: Record<string, string>;
  /** The store's etag or generation, quotes removed. */
  etag?: string;
  /**
   * What a conditional `put` compares (`PutOptions.ifVersion`): the etag on S3, Azure Blob and the
   * local store, the generation on Cloud Storage (whose etag is not a write precondition).
   */
  version?: string;
}

export interface StoredObject extends ObjectHead {
  bytes: Uint8Array;
}

export interface PutOptions {
  contentType: string;
  metadata: Record<string, string>;
  /**
   * A conditional write: replace the object only while it is still at this `version` (from
   * `head`/`get`), or with `null` create it only while there is none. When the object changed in
   * between, nothing is written and `put` throws ObjectChangedError. Undefined: write regardless.
   */
  ifVersion?: string | null;
}

/** A conditional put found the object changed (or created) since the version it was given. */
export class ObjectChangedError extends Error {
  constructor(bucket: string, key: string, options?: { cause?: unknown }) {
    super(`${bucket}/${key} changed since it was read; nothing was written`, options);
    this.name = 'ObjectChangedError';
  }
}

/** True for an ObjectChangedError, also one thrown by a second copy of this module. */
export function isObjectChanged(err: unknown): boolean {
  return err instanceof ObjectChangedError || (err as { name?: unknown } | null)?.name === 'ObjectChangedError';
}

export interface BlobStore {
  /** Size, type and metadata without the bytes; undefined when there is no such object. */
  head(bucket: string, key: string): Promise<ObjectHead | undefined>;
  /** The object with its bytes; undefined when there is no such object. */
  get(bucket: string, key: string): Promise<StoredObject | undefined>;
  /**
   * Writes the whole object at once (readers never see half of it), replacing any before, or,
   * with `ifVersion`, only if the object is still the version the caller read.
   */
  put(bucket: string, key: string, bytes: Uint8Array, options: PutOptions): Promise<void>;
}
