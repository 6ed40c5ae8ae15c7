/** Broken variants of the committed stacks: the no-public-storage and encryption-on rules fire, saying how to fix it. */
import { expect } from 'chai';
import type { StackResource } from '../../policy/resources';
import { adding, check, committedStack, without, withProps } from './stacks';

describe('policy: no-public-storage', function () {
  this.timeout(120000);
  let aws: StackResource[], azure: StackResource[], gcp: StackResource[];
  before(async () => {
    [aws, azure, gcp] = await Promise.all([committedStack('aws'), committedStack('azure'), committedStack('gcp')]);
  });

  it('AWS: a bucket whose public access block lets policies through, or that has a public ACL', () => {
    const leaky = withProps(aws, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', 'uploads-compressed-private', (p) => ({ ...p, blockPublicPolicy: false }));
    expect(check('no-public-storage', leaky)).to.deep.equal(['aws:s3/bucket:Bucket "uploads-compressed": has no aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true: add one for this bucket']);
    const unblocked = without(aws, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', 'uploads-originals-private');
    expect(check('no-public-storage', unblocked)).to.have.length(1).and.to.match(/uploads-originals.*add one for this bucket/);
    const acl = withProps(aws, 'aws:s3/bucket:Bucket', 'uploads-compressed', (p) => ({ ...p, acl: 'public-read' }));
    expect(check('no-public-storage', acl)).to.deep.equal(['aws:s3/bucket:Bucket "uploads-compressed": has the public ACL "public-read": remove the acl input (buckets are private by default)']);
  });

  it('Azure: an account that allows public blobs, a container open to the public', () => {
    const account = withProps(azure, 'azure-native:storage:StorageAccount', 'storage-account', (p) => ({ ...p, allowBlobPublicAccess: true }));
    expect(check('no-public-storage', account)).to.deep.equal(['azure-native:storage:StorageAccount "storage-account": must set allowBlobPublicAccess: false so that no container can be made public']);
    const container = withProps(azure, 'azure-native:storage:BlobContainer', 'uploads-compressed', (p) => ({ ...p, publicAccess: 'Blob' }));
    expect(check('no-public-storage', container)).to.deep.equal(['azure-native:storage:BlobContainer "uploads-compressed": has publicAccess "Blob": set publicAccess: "None"']);
  });

  it('Google Cloud: public access prevention inherited, fine-grained ACLs, a bucket readable by allUsers', () => {
    const inherited = withProps(gcp, 'gcp:storage/bucket:Bucket', 'uploads-compressed', (p) => ({ ...p, publicAccessPrevention: 'inherited', uniformBucketLevelAccess: false }));
    expect(check('no-public-storage', inherited)).to.deep.equal([
      'gcp:storage/bucket:Bucket "uploads-compressed": must set publicAccessPrevention: "enforced"',
      'gcp:storage/bucket:Bucket "uploads-compressed": must set uniformBucketLevelAccess: true (no per-object ACLs)',
    ]);
    const open = adding(gcp, 'gcp:storage/bucketIAMMember:BucketIAMMember', 'everyone-reads', { bucket: 'mcf-dev-gcp-compressed', member: 'allUsers', role: 'roles/storage.objectViewer' });
    expect(check('no-public-storage', open)).to.deep.equal(['gcp:storage/bucketIAMMember:BucketIAMMember "everyone-reads": grants roles/storage.objectViewer to allUsers: grant it to the service accounts that need it instead']);
  });
});

describe('policy: encryption-on', function () {
  this.timeout(120000);
  let aws: StackResource[], azure: StackResource[];
  before(async () => {
    [aws, azure] = await Promise.all([committedStack('aws'), committedStack('azure')]);
  });

  it('AWS: a bucket without default encryption, a queue without SSE', () => {
    const bucket = without(aws, 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', 'uploads-originals-encryption');
    expect(check('encryption-on', bucket)).to.deep.equal(['aws:s3/bucket:Bucket "uploads-originals": has no aws.s3.BucketServerSideEncryptionConfiguration: add one (sseAlgorithm "AES256" or "aws:kms")']);
    const queue = withProps(aws, 'aws:sqs/queue:Queue', 'orders-pipeline-payments', (p) => ({ ...p, sqsManagedSseEnabled: false }));
    expect(check('encryption-on', queue)).to.deep.equal(['aws:sqs/queue:Queue "orders-pipeline-payments": is not encrypted: set sqsManagedSseEnabled: true (or kmsMasterKeyId)']);
  });

  it('Azure: plain HTTP, TLS 1.0, queue encryption off, an app reachable over HTTP', () => {
    const account = withProps(azure, 'azure-native:storage:StorageAccount', 'storage-account', (p) => ({
      ...p,
      enableHttpsTrafficOnly: false,
      minimumTlsVersion: 'TLS1_0',
      encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: true }, queue: { enabled: false } } },
    }));
    expect(check('encryption-on', account)).to.deep.equal([
      'azure-native:storage:StorageAccount "storage-account": must set enableHttpsTrafficOnly: true',
      'azure-native:storage:StorageAccount "storage-account": must set minimumTlsVersion: "TLS1_2"',
      'azure-native:storage:StorageAccount "storage-account": turns encryption off for the queue service: set encryption.services.queue.enabled: true',
    ]);
    const app = withProps(azure, 'azure-native:web:WebApp', 'functions-app', (p) => ({ ...p, httpsOnly: false }));
    expect(check('encryption-on', app)).to.deep.equal(['azure-native:web:WebApp "functions-app": must set httpsOnly: true']);
  });
});
