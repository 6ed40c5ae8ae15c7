/**
 * BlobStore on Azure Blob Storage (containers play the part of buckets).
 *
 * Blob metadata names must be C# identifiers (letters, digits, `_`; not starting with a digit),
 * so the core's `-` is stored as `_` and mapped back on read: `original-size` <-> `original_size`.
 * A core key that already holds `_` or starts with a digit could not be told apart on the way
 * back, so `put` refuses it rather than return something other than it was given.
 * https://learn.microsoft.com/rest/api/storageservices/setting-and-retrieving-properties-and-metadata-for-blob-resources
 */
import type { BlobServiceClient } from '@azure/storage-blob';
import { ObjectChangedError, type BlobStore, type ObjectHead, type PutOptions, type StoredObject } from '../../../handlers/ports/blob-store';
import { statusOf } from '../table-keys';

const CORE_KEY = /^[a-z][a-z0-9-]*$/;

export function toAzureMetadata(metadata: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!CORE_KEY.test(key)) throw new Error(`blob metadata key ${JSON.stringify(key)} cannot be stored as a C# identifier`);
    out[key.replace(/-/g, '_')] = value;
  }
  return out;
}

export function fromAzureMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) out[key.toLowerCase().replace(/_/g, '-')] = value;
  return out;
}

const unquote = (etag: string | undefined) => etag?.replace(/^"|"$/g, '');

export class AzureBlobStore implements BlobStore {
  constructor(private readonly service: BlobServiceClient) {}

  private blob(container: string, key: string) {
    return this.service.getContainerClient(container).getBlockBlobClient(key);
  }

  async head(container: string, key: string): Promise<ObjectHead | undefined> {
    try {
      const p = await this.blob(container, key).getProperties();
      return { size: p.contentLength ?? 0, contentType: p.contentType, metadata: fromAzureMetadata(p.metadata), etag: unquote(p.etag), version: p.etag };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async get(container: string, key: string): Promise<StoredObject | undefined> {
    try {
      const blob = this.blob(container, key);
      const response = await blob.download();
      const bytes = await streamToBuffer(response.readableStreamBody!);
      return {
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        size: bytes.byteLength,
        contentType: response.contentType,
        metadata: fromAzureMetadata(response.metadata),
        etag: unquote(response.etag),
        version: response.etag,
      };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async put(container: string, key: string, bytes: Uint8Array, options: PutOptions): Promise<void> {
    // uploadData commits in one Put Blob up to 256 MiB and as a block list above it: readers
    // never see a partial blob either way. With `ifVersion` the commit is conditional: `If-Match`
    // on the etag as Azure sent it (quotes included), or `If-None-Match: *` to create only.
    // https://learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations
    const conditions = options.ifVersion === undefined ? undefined : options.ifVersion === null ? { ifNoneMatch: '*' } : { ifMatch: options.ifVersion };
    try {
      await this.blob(container, key).uploadData(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
        blobHTTPHeaders: { blobContentType: options.contentType },
        metadata: toAzureMetadata(options.metadata),
        ...(conditions ? { conditions } : {}),
      });
    } catch (err) {
      // 412 ConditionNotMet when the etag differs; `If-None-Match: *` on an existing blob is
      // 409 BlobAlreadyExists; `If-Match` on a deleted blob is 404 BlobNotFound.
      const status = statusOf(err);
      if (conditions && (status === 412 || status === 409 || status === 404)) throw new ObjectChangedError(container, key, { cause: err });
      throw err;
    }
  }
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
