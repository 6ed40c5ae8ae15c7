/**
 * Signed uploads open the originals bucket to browsers, and nothing more: bucket CORS allows only
 * the upload methods (PUT, and POST for S3's presigned POST), never `*` as a method, and the
 * identity that signs holds only what its URLs do. S3: `BucketCorsConfiguration` rules. Azure: the
 * Blob service's CORS rules (per account). Google Cloud: a bucket's `cors`, and Token Creator
 * granted on a service account only to that same account (signing as itself: a grant to another
 * member would let it mint that account's tokens).
 */
import { asArray, ofType, violation, type Rule, type StackResource, type Violation } from '../resources';

const name = 'signed-uploads-only';
const uploadMethods = ['PUT', 'POST'];

function wider(methods: unknown): string[] {
  return asArray<string>(methods).filter((m) => !uploadMethods.includes(String(m).toUpperCase()));
}

function cors(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const config of ofType(resources, 'aws:s3/bucketCorsConfiguration:BucketCorsConfiguration', 'aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2')) {
    for (const rule of asArray<{ allowedMethods?: unknown }>(config.props.corsRules)) {
      const extra = wider(rule.allowedMethods);
      if (extra.length > 0) found.push(violation(name, config, `allows ${extra.join(', ')} cross-origin: bucket CORS is for signed uploads (PUT, POST) only`));
    }
  }
  for (const service of ofType(resources, 'azure-native:storage:BlobServiceProperties')) {
    const rules = (service.props.cors as { corsRules?: unknown } | undefined)?.corsRules;
    for (const rule of asArray<{ allowedMethods?: unknown }>(rules)) {
      const extra = wider(rule.allowedMethods);
      if (extra.length > 0) found.push(violation(name, service, `allows ${extra.join(', ')} cross-origin on every container of the account: Blob CORS is for signed uploads (PUT) only`));
    }
  }
  for (const bucket of ofType(resources, 'gcp:storage/bucket:Bucket')) {
    for (const rule of asArray<{ methods?: unknown }>(bucket.props.cors)) {
      const extra = wider(rule.methods);
      if (extra.length > 0) found.push(violation(name, bucket, `allows ${extra.join(', ')} cross-origin: bucket CORS is for signed uploads (PUT, POST) only`));
    }
  }
  return found;
}

function selfSigning(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const grant of ofType(resources, 'gcp:serviceaccount/iAMMember:IAMMember')) {
    if (grant.props.role !== 'roles/iam.serviceAccountTokenCreator') continue;
    const member = String(grant.props.member ?? '');
    const account = String(grant.props.serviceAccountId ?? '');
    // Google's own service agents mint tokens for the identities they deliver as (Pub/Sub push, Eventarc).
    if (/@gcp-sa-[a-z-]+\.iam\.gserviceaccount\.com$/.test(member)) continue;
    const email = member.replace(/^serviceAccount:/, '');
    if (!member.startsWith('serviceAccount:') || !account.endsWith(`/serviceAccounts/${email}`)) {
      found.push(violation(name, grant, `lets ${member} create tokens for ${account}: grant Token Creator on an account only to that account itself (to sign its own URLs)`));
    }
  }
  return found;
}

export const signedUploads: Rule = {
  name,
  description: 'Bucket CORS allows only the upload methods of signed uploads, and only an account itself may sign as it.',
  check: (resources) => [...cors(resources), ...selfSigning(resources)],
};
