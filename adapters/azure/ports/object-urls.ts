/**
 * ObjectUrls on Azure Blob Storage: service SAS tokens signed with a USER DELEGATION KEY, which
 * the app's managed identity asks for (Get User Delegation Key, authorised by the Storage Blob
 * Delegator role, or any role with `generateUserDelegationKey`); the account keys stay off.
 * https://learn.microsoft.com/rest/api/storageservices/create-user-delegation-sas
 * - an upload is one blob with permission `c` (create): a new blob may be written, an existing one
 *   not overwritten; the client sends a Put Blob (`x-ms-blob-type: BlockBlob`);
 * - a download is one blob with permission `r`.
 * A SAS cannot limit the size or content type of what is written: the images function refuses an
 * original over its limit from the blob's properties, before downloading it, and reads the format
 * from the bytes (handlers/images).
 *
 * The key is cached: it may be valid for up to 7 days (the service refuses longer), and asking
 * for one per request would add a round trip to every signed URL. Where the client was built from
 * a connection string (Azurite, local runs only) the account key signs instead, as a user
 * delegation key needs an Entra token.
 */
import type { BlobItem, BlobServiceClient, StorageSharedKeyCredential, UserDelegationKey } from '@azure/storage-blob';
import type { CopyPage, ListedCopy, ObjectUrls, SignedUpload, UploadPermit } from '../../../handlers/ports/object-urls';
import { InvalidCursorError } from '../../../handlers/ports/user-repository';
import { loadStorageBlob } from '../sdk';
import { statusOf } from '../table-keys';
import { fromAzureMetadata } from './blob-store';

/**
 * The SAS version signed. The SDK's default (2026-04-06) adds signed request headers and query
 * parameters to the string to sign; Azurite 3.35 verifies up to 2025-07-05, and this SAS uses
 * neither, so the older version is pinned: Azure keeps accepting older SAS versions.
 * https://learn.microsoft.com/rest/api/storageservices/create-user-delegation-sas#version-2025-07-05-and-later
 */
const SAS_VERSION = '2025-07-05';
/** How long one delegation key is asked for; it is renewed when a URL would outlive it. */
const KEY_LIFETIME_MS = 6 * 60 * 60 * 1000;
/** Start times a little in the past: the service's clock may be behind ours. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export class AzureObjectUrls implements ObjectUrls {
  private key?: Promise<UserDelegationKey>;
  private keyExpiresOn = 0;
  private client?: BlobServiceClient;

  /**
   * `connect` builds the Blob client on first use: the users function then loads Storage Blob
   * only when an image route is called, not on every cold start (../sdk.ts).
   */
  constructor(
    private readonly connect: () => BlobServiceClient,
    private readonly containers: { originals: string; compressed: string },
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get service(): BlobServiceClient {
    return (this.client ??= this.connect());
  }

  async signUpload(permit: UploadPermit): Promise<SignedUpload> {
    const url = await this.sign(this.containers.originals, permit.key, 'c', permit.expiresAt);
    return {
      method: 'PUT',
      url,
      headers: { 'x-ms-blob-type': 'BlockBlob', 'x-ms-blob-content-type': permit.contentType, 'content-type': permit.contentType },
      fields: {},
    };
  }

  signDownload(key: string, expiresAt: Date): Promise<string> {
    return this.sign(this.containers.compressed, key, 'r', expiresAt);
  }

  async headCopy(key: string): Promise<ListedCopy | undefined> {
    try {
      const p = await this.service.getContainerClient(this.containers.compressed).getBlobClient(key).getProperties();
      return { key, size: p.contentLength ?? 0, metadata: fromAzureMetadata(p.metadata) };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async listCopies(prefix: string, { limit, cursor }: { limit: number; cursor?: string }): Promise<CopyPage> {
    const container = this.service.getContainerClient(this.containers.compressed);
    try {
      // The continuation token (the service's marker) is the cursor: the prefix is sent with
      // every page, so a marker of another folder lists nothing outside this one.
      const pages = container.listBlobsFlat({ prefix, includeMetadata: true }).byPage({ maxPageSize: limit, continuationToken: cursor });
      const { value } = await pages.next();
      if (!value) return { copies: [] };
      const copies = value.segment.blobItems.map((b: BlobItem) => ({ key: b.name, size: b.properties.contentLength ?? 0, metadata: fromAzureMetadata(b.metadata) }));
      const page: CopyPage = { copies };
      if (value.continuationToken) page.nextCursor = value.continuationToken;
      return page;
    } catch (err) {
      // The service answers 400 (OutOfRangeInput, InvalidQueryParameterValue) to a marker it did not issue.
      if (cursor !== undefined && statusOf(err) === 400) throw new InvalidCursorError();
      throw err;
    }
  }

  private async sign(containerName: string, blobName: string, permissions: 'c' | 'r', expiresOn: Date): Promise<string> {
    const { BlobSASPermissions, SASProtocol, StorageSharedKeyCredential, generateBlobSASQueryParameters } = loadStorageBlob();
    const blob = this.service.getContainerClient(containerName).getBlobClient(blobName);
    const values = {
      version: SAS_VERSION,
      containerName,
      blobName,
      permissions: BlobSASPermissions.parse(permissions),
      startsOn: new Date(this.now().getTime() - CLOCK_SKEW_MS),
      expiresOn,
      // HTTPS only wherever the service is reached over HTTPS (always, in Azure).
      protocol: blob.url.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
    };
    const credential = this.service.credential;
    const sas = credential instanceof StorageSharedKeyCredential
      ? generateBlobSASQueryParameters(values, credential as StorageSharedKeyCredential)
      : generateBlobSASQueryParameters(values, await this.delegationKey(expiresOn), this.service.accountName);
    return `${blob.url}?${sas.toString()}`;
  }

  private delegationKey(until: Date): Promise<UserDelegationKey> {
    const now = this.now().getTime();
    if (!this.key || this.keyExpiresOn < until.getTime()) {
      const expiresOn = new Date(Math.max(now + KEY_LIFETIME_MS, until.getTime()));
      this.keyExpiresOn = expiresOn.getTime();
      const asked = this.service.getUserDelegationKey(new Date(now - CLOCK_SKEW_MS), expiresOn);
      // A failed request is not cached: the next URL asks again.
      asked.catch(() => {
        if (this.key === asked) this.key = undefined;
      });
      this.key = asked;
    }
    return this.key;
  }
}
