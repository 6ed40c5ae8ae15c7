/**
 * Signed uploads under Pulumi mocks, on the inputs that go over the wire: each dev stack's bucket
 * CORS (the stack's corsOrigins, upload methods only, on originals only) and what the signing
 * identity holds; a stack without origins gets no CORS at all.
 */
import { expect } from 'chai';
import type { StackResource } from '../../policy/resources';
import { committedStack, stackResources } from '../policy/stacks';

const ORIGINS = ['http://localhost:5173'];
const ofType = (resources: readonly StackResource[], type: string) => resources.filter((r) => r.type === type);
const one = (resources: readonly StackResource[], type: string, name: string) => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};

describe('infra: signed uploads on each cloud (mocks)', function () {
  this.timeout(180_000);

  it('AWS: CORS on the originals bucket only, POST and PUT for the stack origins', async () => {
    const aws = await committedStack('aws');
    const configs = ofType(aws, 'aws:s3/bucketCorsConfiguration:BucketCorsConfiguration');
    expect(configs.map((c) => c.name)).to.deep.equal(['uploads-originals-cors']);
    const originals = one(aws, 'aws:s3/bucket:Bucket', 'uploads-originals');
    expect(configs[0].propertyDependencies.bucket).to.deep.equal([originals.urn]);
    expect(configs[0].props.corsRules).to.deep.equal([
      { id: 'signed-uploads', allowedOrigins: ORIGINS, allowedMethods: ['POST', 'PUT'], allowedHeaders: ['content-type'], exposeHeaders: ['etag'], maxAgeSeconds: 600 },
    ]);
  });

  it('AWS: the users role may put originals, get and list compressed, and nothing else in S3', async () => {
    const aws = await committedStack('aws');
    const policy = JSON.parse(String(one(aws, 'aws:iam/rolePolicy:RolePolicy', 'users-policy').props.policy)) as { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };
    const s3 = policy.Statement.filter((s) => s.Action.some((a) => a.startsWith('s3:')));
    expect(s3).to.deep.equal([
      { Sid: 'PresignUploads', Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::mcf-dev-originals-123456789012/*'] },
      { Sid: 'PresignDownloads', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::mcf-dev-compressed-123456789012/*'] },
      { Sid: 'ListCompressed', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::mcf-dev-compressed-123456789012'] },
    ]);
  });

  it('Azure: Blob service CORS, PUT only with the Put Blob headers, and Storage Blob Delegator on the account', async () => {
    const azure = await committedStack('azure');
    const [service] = ofType(azure, 'azure-native:storage:BlobServiceProperties');
    const account = one(azure, 'azure-native:storage:StorageAccount', 'storage-account');
    expect(service.props).to.deep.include({ blobServicesName: 'default', accountName: account.props.accountName });
    expect(service.props.cors).to.deep.equal({ corsRules: [{
      allowedOrigins: ORIGINS,
      allowedMethods: ['PUT'],
      allowedHeaders: ['content-type', 'x-ms-blob-type', 'x-ms-blob-content-type', 'x-ms-version', 'x-ms-date', 'x-ms-client-request-id'],
      exposedHeaders: ['etag', 'x-ms-request-id'],
      maxAgeInSeconds: 600,
    }] });
    const delegator = one(azure, 'azure-native:authorization:RoleAssignment', 'app-signs-uploads');
    expect(String(delegator.props.roleDefinitionId)).to.match(/\/roleDefinitions\/db58b8e5-c6ad-4a2a-8342-4190687cbf4a$/);
    expect(delegator.props.scope).to.match(/\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]+$/);
  });

  it('Google Cloud: CORS on originals only, PUT with the signed headers; object roles and Token Creator on itself', async () => {
    // A browser can call only a public users function (Cloud Run answers a private one's preflight
    // 403, docs/deploy-rules.md), so CORS comes with usersPublic and a JWT issuer; dev-gcp is private.
    const { resources: gcp } = await stackResources('gcp', { usersPublic: true, jwtIssuer: 'https://issuer.example', jwtAudience: 'mcf', corsOrigins: ORIGINS });
    const withCors = ofType(gcp, 'gcp:storage/bucket:Bucket').filter((b) => b.props.cors !== undefined);
    expect(withCors.map((b) => b.name)).to.deep.equal(['uploads-originals']);
    expect(withCors[0].props.cors).to.deep.equal([{ origins: ORIGINS, methods: ['PUT'], responseHeaders: ['content-type', 'x-goog-content-length-range', 'x-goog-if-generation-match', 'etag'], maxAgeSeconds: 600 }]);
    const users = 'serviceAccount:mcf-dev-gcp-users@';
    const bucketRoles = ofType(gcp, 'gcp:storage/bucketIAMMember:BucketIAMMember').filter((g) => String(g.props.member).startsWith(users)).map((g) => `${String(g.props.role)} ${String(g.props.bucket)}`);
    expect(bucketRoles).to.have.members(['roles/storage.objectCreator mcf-dev-gcp-originals-my-mcf-dev-project', 'roles/storage.objectViewer mcf-dev-gcp-compressed-my-mcf-dev-project']);
    const self = one(gcp, 'gcp:serviceaccount/iAMMember:IAMMember', 'users-signs-as-itself');
    const email = String(self.props.member).replace('serviceAccount:', '');
    expect(self.props.role).to.equal('roles/iam.serviceAccountTokenCreator');
    expect(self.props.serviceAccountId).to.match(new RegExp(`/serviceAccounts/${email.replace(/[.@]/g, '\\$&')}$`));
  });

  it('adds no CORS anywhere when the stack lists no origin', async () => {
    for (const cloud of ['aws', 'azure', 'gcp'] as const) {
      const { resources } = await stackResources(cloud, { corsOrigins: [] });
      expect(ofType(resources, 'aws:s3/bucketCorsConfiguration:BucketCorsConfiguration'), cloud).to.have.length(0);
      expect(ofType(resources, 'azure-native:storage:BlobServiceProperties'), cloud).to.have.length(0);
      expect(ofType(resources, 'gcp:storage/bucket:Bucket').filter((b) => b.props.cors !== undefined), cloud).to.have.length(0);
    }
  });
});
