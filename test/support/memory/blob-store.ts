/** An in-memory BlobStore for unit tests of the core (not shipped). */
import { createHash } from 'node:crypto';
import { ObjectChangedError, type BlobStore, type ObjectHead, type PutOptions, type StoredObject } from '../../../handlers/ports/blob-store';

export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, StoredObject>();
  /** Counts calls so that tests can assert what the core did (or did not) read. */
  readonly calls = { head: 0, get: 0, put: 0 };

  private static id(bucket: string, key: string) {
    return `${bucket}\u0000${key}`;
  }

  async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    this.calls.head++;
    const o = this.objects.get(MemoryBlobStore.id(bucket, key));
    if (!o) return undefined;
    return { size: o.size, contentType: o.contentType, metadata: { ...o.metadata }, etag: o.etag, version: o.version };
  }

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    this.calls.get++;
    const o = this.objects.get(MemoryBlobStore.id(bucket, key));
    return o ? { ...o, metadata: { ...o.metadata }, bytes: new Uint8Array(o.bytes) } : undefined;
  }

  async put(bucket: string, key: string, bytes: Uint8Array, options: PutOptions): Promise<void> {
    this.calls.put++;
    const existing = this.objects.get(MemoryBlobStore.id(bucket, key));
    if (options.ifVersion !== undefined && (existing?.version ?? null) !== options.ifVersion) throw new ObjectChangedError(bucket, key);
    const etag = createHash('md5').update(bytes).digest('hex');
    this.objects.set(MemoryBlobStore.id(bucket, key), {
      bytes: new Uint8Array(bytes),
      size: bytes.byteLength,
      contentType: options.contentType,
      metadata: { ...options.metadata },
      etag,
      version: etag,
    });
  }
}
