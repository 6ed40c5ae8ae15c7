/** Broken variants of the committed stacks: the signed-uploads-only rule fires, saying how to fix it; the stacks pass. */
import { expect } from 'chai';
import type { StackResource } from '../../policy/resources';
import { adding, check, committedStack, withProps } from './stacks';

describe('policy: signed-uploads-only', function () {
  this.timeout(180_000);
  let aws: StackResource[], azure: StackResource[], gcp: StackResource[];
  before(async () => {
    [aws, azure, gcp] = await Promise.all([committedStack('aws'), committedStack('azure'), committedStack('gcp')]);
  });

  it('passes the committed stacks', () => {
    for (const stack of [aws, azure, gcp]) expect(check('signed-uploads-only', stack)).to.deep.equal([]);
  });

  it('AWS: a bucket CORS rule that also allows GET or DELETE', () => {
    const wide = withProps(aws, 'aws:s3/bucketCorsConfiguration:BucketCorsConfiguration', 'uploads-originals-cors', (p) => ({
      ...p, corsRules: [{ ...(p.corsRules as Record<string, unknown>[])[0], allowedMethods: ['GET', 'PUT', 'DELETE'] }],
    }));
    expect(check('signed-uploads-only', wide)).to.deep.equal(['aws:s3/bucketCorsConfiguration:BucketCorsConfiguration "uploads-originals-cors": allows GET, DELETE cross-origin: bucket CORS is for signed uploads (PUT, POST) only']);
  });

  it('Azure: a Blob service CORS rule that allows GET', () => {
    const [service] = azure.filter((r) => r.type === 'azure-native:storage:BlobServiceProperties');
    const wide = withProps(azure, service.type, service.name, (p) => ({ ...p, cors: { corsRules: [{ allowedOrigins: ['*'], allowedMethods: ['GET', 'PUT'] }] } }));
    expect(check('signed-uploads-only', wide)).to.deep.equal([`azure-native:storage:BlobServiceProperties "${service.name}": allows GET cross-origin on every container of the account: Blob CORS is for signed uploads (PUT) only`]);
  });

  it('Google Cloud: a bucket CORS with any method, and Token Creator on the users account for someone else', () => {
    const wide = withProps(gcp, 'gcp:storage/bucket:Bucket', 'uploads-originals', (p) => ({ ...p, cors: [{ origins: ['*'], methods: ['*'] }] }));
    expect(check('signed-uploads-only', wide)).to.deep.equal(['gcp:storage/bucket:Bucket "uploads-originals": allows * cross-origin: bucket CORS is for signed uploads (PUT, POST) only']);
    const self = gcp.find((r) => r.name === 'users-signs-as-itself')!;
    const other = adding(gcp, self.type, 'orders-signs-as-users', { ...self.props, member: 'serviceAccount:mcf-dev-gcp-orders@mcf-dev.iam.gserviceaccount.com' });
    expect(check('signed-uploads-only', other)).to.have.length(1).and.to.match(/^gcp:serviceaccount\/iAMMember:IAMMember "orders-signs-as-users": lets serviceAccount:mcf-dev-gcp-orders@.* create tokens for .*mcf-dev-gcp-users@/);
  });
});
