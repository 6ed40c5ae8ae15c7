/** Broken variants: least-privilege fires on wildcards and wide scopes, with the fix in the message. */
import { expect } from 'chai';
import type { StackResource } from '../../policy/resources';
import { adding, check, committedStack, withProps } from './stacks';

const rule = 'least-privilege';

/** The orders role policy with one statement changed. */
function ordersStatement(aws: StackResource[], sid: string, change: (s: Record<string, unknown>) => Record<string, unknown>): StackResource[] {
  return withProps(aws, 'aws:iam/rolePolicy:RolePolicy', 'orders-policy', (p) => {
    const doc = JSON.parse(String(p.policy)) as { Statement: Record<string, unknown>[] };
    const statement = doc.Statement.find((s) => s.Sid === sid);
    if (!statement) throw new Error(`no statement ${sid}`);
    doc.Statement = doc.Statement.map((s) => (s === statement ? change(s) : s));
    return { ...p, policy: JSON.stringify(doc) };
  });
}

describe('policy: least-privilege', function () {
  this.timeout(120000);
  let aws: StackResource[], azure: StackResource[], gcp: StackResource[];
  before(async () => {
    aws = await committedStack('aws');
    azure = await committedStack('azure');
    gcp = await committedStack('gcp');
  });

  it('AWS: a service wildcard, a resource wildcard off the allow-list, NotAction, an administrator attachment', () => {
    expect(check(rule, ordersStatement(aws, 'OrderItems', (s) => ({ ...s, Action: ['dynamodb:*'] })))).to.deep.equal([
      'aws:iam/rolePolicy:RolePolicy "orders-policy": statement OrderItems allows dynamodb:*: list the actions the function calls',
    ]);
    expect(check(rule, ordersStatement(aws, 'PublishEvents', (s) => ({ ...s, Resource: '*' })))).to.deep.equal([
      'aws:iam/rolePolicy:RolePolicy "orders-policy": statement PublishEvents allows sns:Publish on Resource "*": name the ARNs it serves (only xray:PutTraceSegments, xray:PutTelemetryRecords may use "*")',
    ]);
    const notAction = ordersStatement(aws, 'PublishEvents', (s) => ({ Sid: s.Sid, Effect: 'Allow', NotAction: ['iam:*'], Resource: s.Resource }));
    expect(check(rule, notAction)).to.have.length(1).and.to.match(/NotAction\/NotResource.*list the actions and resources instead/);
    const admin = adding(aws, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'orders-admin', { role: 'mcf-dev-orders-role', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    expect(check(rule, admin)).to.deep.equal(['aws:iam/rolePolicyAttachment:RolePolicyAttachment "orders-admin": attaches AdministratorAccess: write an inline policy with the actions and resources the function uses']);
  });

  it('AWS: the X-Ray statement on "*" passes because its actions are on the allow-list', () => {
    const policy = aws.find((r) => r.name === 'orders-policy')!;
    expect(String(policy.props.policy)).to.include('"Resource":["*"]');
    expect(check(rule, aws)).to.deep.equal([]);
  });

  it('Azure: a role assignment on the resource group, a Contributor assignment', () => {
    const group = withProps(azure, 'azure-native:authorization:RoleAssignment', 'app-blobs', (p) => ({ ...p, scope: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/mcf-dev-azure-rg' }));
    expect(check(rule, group)).to.deep.equal(['azure-native:authorization:RoleAssignment "app-blobs": is scoped to /subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/mcf-dev-azure-rg (a subscription or resource group): scope it to the storage account, container, queue, table or topic it serves']);
    const contributor = withProps(azure, 'azure-native:authorization:RoleAssignment', 'app-tables', (p) => ({ ...p, roleDefinitionId: '/subscriptions/00000000-0000-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c' }));
    expect(check(rule, contributor)).to.deep.equal(['azure-native:authorization:RoleAssignment "app-tables": assigns Contributor: assign the data-plane role the app needs (e.g. Storage Blob Data Contributor)']);
  });

  it('Google Cloud: a project-wide role off the allow-list, the database role without its condition, a basic role', () => {
    const storageAdmin = adding(gcp, 'gcp:projects/iAMMember:IAMMember', 'images-admin', { project: 'my-mcf-dev-project', member: 'serviceAccount:mcf-dev-gcp-images@my-mcf-dev-project.iam.gserviceaccount.com', role: 'roles/storage.admin' });
    expect(check(rule, storageAdmin)).to.deep.equal(['gcp:projects/iAMMember:IAMMember "images-admin": grants roles/storage.admin on the whole project: grant it on the bucket, topic, subscription or service it serves (project-wide only: roles/pubsub.publisher, roles/eventarc.eventReceiver, roles/datastore.user, roles/logging.logWriter, roles/artifactregistry.writer, roles/storage.objectViewer)']);
    // The build identity reads Cloud Functions' staged sources through a condition, never every bucket.
    const everyBucket = withProps(gcp, 'gcp:projects/iAMMember:IAMMember', 'build-reads-staged-sources', (p) => ({ ...p, condition: undefined }));
    expect(check(rule, everyBucket)).to.have.length(1).and.to.match(/build-reads-staged-sources.*roles\/storage.objectViewer on the whole project without an IAM condition: add condition \{ expression: 'resource.name.startsWith\("projects\/_\/buckets\/gcf-v2-sources-/);
    const unconditioned = withProps(gcp, 'gcp:projects/iAMMember:IAMMember', 'users-uses-database', (p) => ({ ...p, condition: undefined }));
    expect(check(rule, unconditioned)).to.have.length(1).and.to.match(/users-uses-database.*roles\/datastore.user on the whole project without an IAM condition: add condition/);
    const editor = withProps(gcp, 'gcp:storage/bucketIAMMember:BucketIAMMember', 'images-reads-originals', (p) => ({ ...p, role: 'roles/editor' }));
    expect(check(rule, editor)).to.deep.equal(['gcp:storage/bucketIAMMember:BucketIAMMember "images-reads-originals": grants the basic role roles/editor: grant a predefined role on the resource it serves']);
  });
});
