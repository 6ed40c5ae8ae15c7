/**
 * What signed uploads and downloads need on Google Cloud (adapters/gcp/ports/object-urls.ts). A V4
 * signed URL acts with the signer's permissions, and in Cloud Functions the library signs through
 * the IAM Credentials API as the function's own service account:
 * https://cloud.google.com/storage/docs/access-control/signing-urls-with-helpers
 */
import * as pulumi from '@pulumi/pulumi';
import type * as storage from '@pulumi/gcp/storage';
import type { Grant } from './iam';

/**
 * objectCreator on originals (storage.objects.create: a create-only upload, the URL carries
 * `x-goog-if-generation-match: 0`, so no overwrite and no delete); objectViewer on compressed
 * (get and list: the signed GET, the listing and the head of a copy).
 */
export function signingGrants(originals: pulumi.Input<string>, compressed: pulumi.Input<string>): Grant[] {
  return [
    { label: 'signs-uploads', role: 'roles/storage.objectCreator', on: { bucket: originals } },
    { label: 'lists-and-signs-downloads', role: 'roles/storage.objectViewer', on: { bucket: compressed } },
  ];
}

/**
 * `iam.serviceAccounts.signBlob` on the function's own account, through Service Account Token
 * Creator granted on that account only (IAM Credentials signBlob, "Authorization"). The narrowest
 * predefined role with the permission; on itself it grants nothing the account could not already
 * do with its own metadata-server token.
 */
export const signAsItself: Omit<Grant, 'on'> = { label: 'signs-as-itself', role: 'roles/iam.serviceAccountTokenCreator' };

/**
 * Bucket CORS on originals: the stack's origins, PUT only, and the headers the signed PUT carries
 * (Cloud Storage answers a preflight from `responseHeader`, which also lists the headers exposed):
 * https://cloud.google.com/storage/docs/cross-origin. Empty when the stack lists no origin.
 */
export function uploadCors(origins: readonly string[]): storage.BucketArgs['cors'] {
  if (origins.length === 0) return undefined;
  return [{
    origins: [...origins],
    methods: ['PUT'],
    responseHeaders: ['content-type', 'x-goog-content-length-range', 'x-goog-if-generation-match', 'etag'],
    maxAgeSeconds: 600,
  }];
}
