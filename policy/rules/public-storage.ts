/**
 * No public buckets or containers. S3: every bucket has a public access block with all four
 * settings on and no public canned ACL. Azure: the storage account refuses anonymous blob access
 * and every container is `None`. Google Cloud: public access prevention enforced, uniform
 * bucket-level access, and no `allUsers` / `allAuthenticatedUsers` binding on a bucket.
 */
import { asArray, linkedBy, ofType, violation, type Rule, type StackResource, type Violation } from '../resources';

const name = 'no-public-storage';
const blockFlags = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'];
const publicAcls = ['public-read', 'public-read-write', 'authenticated-read'];
const publicMembers = ['allUsers', 'allAuthenticatedUsers'];

function aws(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const bucket of ofType(resources, 'aws:s3/bucket:Bucket', 'aws:s3/bucketV2:BucketV2')) {
    const blocks = linkedBy(resources, ['aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock'], 'bucket', bucket, bucket.props.bucket);
    const complete = blocks.some((b) => blockFlags.every((f) => b.props[f] === true));
    if (!complete) {
      found.push(violation(name, bucket, `has no aws.s3.BucketPublicAccessBlock with ${blockFlags.join(', ')} all true: add one for this bucket`));
    }
    if (publicAcls.includes(String(bucket.props.acl))) found.push(violation(name, bucket, `has the public ACL "${String(bucket.props.acl)}": remove the acl input (buckets are private by default)`));
  }
  for (const acl of ofType(resources, 'aws:s3/bucketAclV2:BucketAclV2', 'aws:s3/bucketAcl:BucketAcl')) {
    if (publicAcls.includes(String(acl.props.acl))) found.push(violation(name, acl, `grants the public ACL "${String(acl.props.acl)}": remove it`));
  }
  return found;
}

function azure(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const account of ofType(resources, 'azure-native:storage:StorageAccount')) {
    if (account.props.allowBlobPublicAccess !== false) found.push(violation(name, account, 'must set allowBlobPublicAccess: false so that no container can be made public'));
  }
  for (const container of ofType(resources, 'azure-native:storage:BlobContainer')) {
    const access = container.props.publicAccess;
    if (access !== undefined && access !== 'None') found.push(violation(name, container, `has publicAccess "${String(access)}": set publicAccess: "None"`));
  }
  return found;
}

function gcp(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const bucket of ofType(resources, 'gcp:storage/bucket:Bucket')) {
    if (bucket.props.publicAccessPrevention !== 'enforced') found.push(violation(name, bucket, 'must set publicAccessPrevention: "enforced"'));
    if (bucket.props.uniformBucketLevelAccess !== true) found.push(violation(name, bucket, 'must set uniformBucketLevelAccess: true (no per-object ACLs)'));
  }
  for (const grant of ofType(resources, 'gcp:storage/bucketIAMMember:BucketIAMMember', 'gcp:storage/bucketIAMBinding:BucketIAMBinding')) {
    const members = [...asArray<string>(grant.props.member), ...asArray<string>(grant.props.members)];
    const open = members.filter((m) => publicMembers.includes(m));
    if (open.length > 0) found.push(violation(name, grant, `grants ${String(grant.props.role)} to ${open.join(', ')}: grant it to the service accounts that need it instead`));
  }
  return found;
}

export const publicStorage: Rule = {
  name,
  description: 'No bucket or blob container is readable by the public.',
  check: (resources) => [...aws(resources), ...azure(resources), ...gcp(resources)],
};
