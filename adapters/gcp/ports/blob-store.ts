/**
 * BlobStore on Cloud Storage. Metadata is the object's custom metadata (`metadata.metadata` in
 * the JSON API); uploads are single-request (`resumable: false`): the images are far below the
 * 5 MiB Google advises as the point where resumable uploads pay off
 * (https://cloud.google.com/storage/docs/uploads-downloads#size), and a single request is atomic.
 */
import type { FileMetadata, Storage } from '@google-cloud/storage';
import { ObjectChangedError, type BlobStore, type ObjectHead, type PutOptions, type StoredObject } from '../../../handlers/ports/blob-store';

export class GcsBlobStore implements BlobStore {
  constructor(private readonly storage: Storage) {}

  async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    const described = await this.describe(bucket, key);
    if (!described) return undefined;
    const { generation: _generation, ...head } = described;
    return head;
  }

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    // Download the generation that was described, so bytes and metadata belong together. When the
    // object is replaced between the two calls, that generation is gone (404 without versioning):
    // describe again and read the newer one, as a reader of a replaced object expects.
    for (let attempt = 1; ; attempt++) {
      const head = await this.describe(bucket, key);
      if (!head) return undefined;
      const file = this.storage.bucket(bucket).file(key, head.generation ? { generation: head.generation } : {});
      const bytes = await notFoundAsUndefined(file.download().then(([b]) => b));
      if (!bytes) {
        if (head.generation && attempt < 5) continue;
        return undefined;
      }
      const { generation: _generation, ...rest } = head;
      return { ...rest, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
    }
  }

  private async describe(bucket: string, key: string): Promise<DescribedObject | undefined> {
    const file = this.storage.bucket(bucket).file(key);
    const metadata = await notFoundAsUndefined(file.getMetadata().then(([m]) => m));
    return metadata && describedOf(metadata);
  }

  /**
   * With `ifVersion` the upload carries Cloud Storage's preconditions: `ifGenerationMatch` (and
   * `ifMetagenerationMatch`, so a metadata change in between also counts) on the version read, or
   * `ifGenerationMatch=0` to create only. A lost precondition is 412 conditionNotMet.
   * https://cloud.google.com/storage/docs/request-preconditions
   */
  async put(bucket: string, key: string, bytes: Uint8Array, options: PutOptions): Promise<void> {
    const preconditionOpts = preconditionsFor(options.ifVersion);
    try {
      await this.storage
        .bucket(bucket)
        .file(key)
        .save(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
          resumable: false,
          contentType: options.contentType,
          metadata: { contentType: options.contentType, metadata: options.metadata },
          ...(preconditionOpts ? { preconditionOpts } : {}),
        });
    } catch (err) {
      if (preconditionOpts && (err as { code?: unknown }).code === 412) throw new ObjectChangedError(bucket, key, { cause: err });
      throw err;
    }
  }
}

type DescribedObject = ObjectHead & { generation?: string };

/** `version` is `<generation>.<metageneration>`, both decimal. */
function preconditionsFor(ifVersion: string | null | undefined): { ifGenerationMatch: string; ifMetagenerationMatch?: string } | undefined {
  if (ifVersion === undefined) return undefined;
  if (ifVersion === null) return { ifGenerationMatch: '0' };
  const [generation, metageneration] = ifVersion.split('.');
  return metageneration ? { ifGenerationMatch: generation, ifMetagenerationMatch: metageneration } : { ifGenerationMatch: generation };
}

function describedOf(m: FileMetadata): DescribedObject {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.metadata ?? {})) if (v !== null && v !== undefined) metadata[k] = String(v);
  const head: DescribedObject = { size: Number(m.size ?? 0), metadata };
  if (m.contentType) head.contentType = m.contentType;
  if (m.etag) head.etag = m.etag.replace(/"/g, '');
  if (m.generation !== undefined) {
    head.generation = String(m.generation);
    head.version = m.metageneration !== undefined ? `${head.generation}.${String(m.metageneration)}` : head.generation;
  }
  return head;
}

async function notFoundAsUndefined<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) return undefined;
    throw err;
  }
}
