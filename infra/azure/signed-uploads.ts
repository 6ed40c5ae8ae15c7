/**
 * What signed uploads and downloads need on Azure (adapters/azure/ports/object-urls.ts): the app's
 * identity may ask for a user delegation key, and browsers on the stack's `corsOrigins` may send
 * the upload.
 */
import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import type { Grant } from './identity';
import type { StorageAccount } from './storage-account';

/**
 * Get User Delegation Key is an operation on the Blob service, so the role that allows it
 * (Storage Blob Delegator, `generateUserDelegationKey/action`) is assigned on the storage account:
 * "assigned at the level of the storage account or above"
 * (https://learn.microsoft.com/rest/api/storageservices/get-user-delegation-key#authorization).
 * What a user delegation SAS may do is further limited to what the identity's data roles allow
 * (the app's Storage Blob Data Owner): create in originals, read in compressed.
 */
export function delegatorGrant(account: StorageAccount): Grant {
  return { role: 'storageBlobDelegator', scope: account.id, what: 'signs-uploads' };
}

/** The headers a browser sends with a Put Blob through a SAS (the adapter's `upload.headers`; the SDK's own). */
const uploadHeaders = ['content-type', 'x-ms-blob-type', 'x-ms-blob-content-type', 'x-ms-version', 'x-ms-date', 'x-ms-client-request-id'];

/**
 * CORS rules of the account's Blob service: PUT only, for the stack's origins. Azure Storage CORS
 * is per service, not per container: the rule covers every container of the account, each of
 * which still needs a SAS or a token to be written. Limits: at most five rules per service, 64
 * origins and 64 literal plus 2 prefixed headers per rule, 256 characters each
 * (https://learn.microsoft.com/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services).
 * Undefined when the stack lists no origin.
 */
export function allowBrowserUploads(name: string, account: StorageAccount, origins: readonly string[], parent: pulumi.Resource): storage.BlobServiceProperties | undefined {
  if (origins.length === 0) return undefined;
  return new storage.BlobServiceProperties(name, {
    accountName: account.name,
    resourceGroupName: account.resourceGroupName,
    blobServicesName: 'default',
    cors: {
      corsRules: [{
        allowedOrigins: [...origins],
        allowedMethods: ['PUT'],
        allowedHeaders: uploadHeaders,
        exposedHeaders: ['etag', 'x-ms-request-id'],
        maxAgeInSeconds: 600,
      }],
    },
  }, { parent });
}
