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
}

export interface StoredObject extends ObjectHead {
  bytes: Uint8Array;
}

export interface PutOptions {
  contentType: string;
  metadata: Record<string, string>;
}

export interface BlobStore {
  /** Size, type and metadata without the bytes; undefined when there is no such object. */
  head(bucket: string, key: string): Promise<ObjectHead | undefined>;
  /** The object with its bytes; undefined when there is no such object. */
  get(bucket: string, key: string): Promise<StoredObject | undefined>;
  /** Writes the whole object at once (readers never see half of it), replacing any before. */
  put(bucket: string, key: string, bytes: Uint8Array, options: PutOptions): Promise<void>;
}
