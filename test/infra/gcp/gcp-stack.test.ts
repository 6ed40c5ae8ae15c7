/**
 * The Google Cloud dev stack (Pulumi.dev-gcp.yaml) under mocks: each function's build config,
 * service config and trigger; every IAM binding (member, role and resource) including the
 * service agents'; the dead-letter wiring; bucket settings; and the APIs everything waits for.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { gcpEnvironment, gcpVariablesOf } from '../../../adapters/gcp/environment';
import { settingName } from '../../../handlers/settings';
import { allSpecs, functionSpecs, type FunctionName } from '../../../handlers/specs';
import { gcpDeployerEmail, gcpProjectNumber } from '../../../infra/offline/gcp-state';
import { packageEntry } from '../../../infra/gcp/function';
import { prerequisiteServices, requiredServices } from '../../../infra/gcp/services';
import { fakePackages, removeDir, Resources, runWith, type StackRun } from '../harness';
import { T, bindingsOf, describeBinding } from './gcp-resources';

const stackFile = parse(readFileSync('Pulumi.dev-gcp.yaml', 'utf8')) as { config: Record<string, unknown> };
const project = String(stackFile.config['gcp:project']);
const region = String(stackFile.config['gcp:region']);
const prefix = 'mcf-dev-gcp';
/** Default bucket names carry the project id: Cloud Storage names are global (infra/gcp/bucket-names.ts). */
const bucketName = (role: 'originals' | 'compressed' | 'sources') => `${prefix}-${role}-${project}`;
const sa = (id: string) => `serviceAccount:${id}@${project}.iam.gserviceaccount.com`;
const pubsubAgent = `serviceAccount:service-${gcpProjectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`;
const storageAgent = `serviceAccount:service-${gcpProjectNumber}@gs-project-accounts.iam.gserviceaccount.com`;
const topicId = (name: string) => `projects/${project}/topics/${name}`;
const names: FunctionName[] = ['images', 'users', 'orders'];

type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('infra: the Google Cloud dev stack under mocks', function () {
  this.timeout(90000);
  let packages: string;
  let run: StackRun;
  let r: Resources;
  const fn = (name: FunctionName): Inputs => r.get(T.fn, `${name}-function`).inputs;

  before(async () => {
    packages = fakePackages('gcp', allSpecs.map((s) => s.name), packageEntry);
    run = await runWith('dev-gcp', packages);
    r = new Resources(run.resources);
  });
  after(() => removeDir(packages));

  it('enables every API the stack uses, leaves them on at destroy, and every function waits for them', () => {
    const services = r.ofType(T.service);
    expect(services.map((s) => s.inputs.service)).to.have.members([...requiredServices]);
    expect(requiredServices).to.include.members(['cloudfunctions.googleapis.com', 'run.googleapis.com', 'cloudbuild.googleapis.com', 'artifactregistry.googleapis.com', 'eventarc.googleapis.com', 'pubsub.googleapis.com', 'firestore.googleapis.com', 'storage.googleapis.com']);
    for (const s of services) expect(s.inputs).to.include({ project, disableOnDestroy: false });
    // Service Usage and Cloud Resource Manager are enabled by hand (README Prerequisites): the
    // provider needs them to enable and read back every service above.
    for (const prerequisite of prerequisiteServices) expect(requiredServices).to.not.include(prerequisite);
    for (const name of names) {
      const deps = r.get(T.fn, `${name}-function`).dependencies;
      for (const s of services) expect(deps, `${name} waits for ${String(s.inputs.service)}`).to.include(s.urn);
    }
    for (const type of [T.database, T.bucket, T.topic]) {
      for (const res of r.ofType(type).filter((x) => x.custom)) {
        const waits = res.dependencies.some((urn) => services.some((s) => s.urn === urn));
        expect(waits, `${res.name} waits for the APIs`).to.equal(true);
      }
    }
  });

  it('builds each function on nodejs22 from its own source object, named by the package hash', () => {
    for (const name of names) {
      const build = fn(name).buildConfig as Inputs;
      const object = r.get(T.object, `${name}-source`).inputs;
      expect(build).to.include({ runtime: 'nodejs22', entryPoint: name });
      expect(build.source.storageSource).to.deep.equal({ bucket: bucketName('sources'), object: object.name });
      expect(object.bucket).to.equal(bucketName('sources'));
      expect(object.name).to.match(new RegExp(`^${name}-[0-9a-f]{64}\\.zip$`));
      expect(fn(name)).to.include({ name: `${prefix}-${name}`, location: region, project });
    }
  });

  it('runs each function with its spec memory and timeout, its own service account and no warm instances by default', () => {
    for (const name of names) {
      const spec = functionSpecs[name];
      const service = fn(name).serviceConfig as Inputs;
      expect(service).to.include({
        availableMemory: `${spec.memoryMb}Mi`,
        timeoutSeconds: spec.timeoutSeconds,
        minInstanceCount: 0,
        serviceAccountEmail: `${prefix}-${name}@${project}.iam.gserviceaccount.com`,
        allTrafficOnLatestRevision: true,
      });
    }
  });

  it('sets exactly the environment the GCP adapters read, pointing at this stack\'s resources, and NODE_ENV=production (no stack traces in Express error pages)', () => {
    const env = (name: FunctionName) => (fn(name).serviceConfig as Inputs).environmentVariables as Record<string, string>;
    const e = gcpEnvironment;
    expect(env('images')).to.deep.equal({
      NODE_ENV: 'production',
      [e.common.projectId]: project,
      [e.images.originalsBucket]: bucketName('originals'),
      [e.images.compressedBucket]: bucketName('compressed'),
      [e.images.deadLetterTopic]: `${prefix}-images-dead-letters`,
    });
    expect(env('users')).to.deep.equal({
      NODE_ENV: 'production',
      [e.common.projectId]: project,
      [e.common.firestoreDatabase]: `${prefix}-db`,
      [e.users.originalsBucket]: bucketName('originals'),
      [e.users.compressedBucket]: bucketName('compressed'),
    });
    expect(env('orders')).to.deep.equal({
      NODE_ENV: 'production',
      [e.common.projectId]: project,
      [e.common.firestoreDatabase]: `${prefix}-db`,
      [e.orders.paymentsTopic]: `${prefix}-payments`,
      [e.orders.eventsTopic]: `${prefix}-order-events`,
      [e.orders.deadLetterTopic]: `${prefix}-orders-dead-letters`,
      [settingName('orders', 'maxDeliveries')]: String(stackFile.config['multicloud-functions:maxDeliveries']),
    });
    for (const name of names) {
      const adapterNames = gcpVariablesOf(name);
      const settings = Object.keys(functionSpecs[name].settings).map((k) => settingName(name, k));
      // NODE_ENV is for Express (the Functions Framework), not for our adapters
      for (const key of Object.keys(env(name)).filter((k) => k !== 'NODE_ENV')) {
        expect([...adapterNames, ...settings], `${name} reads ${key}`).to.include(key);
      }
    }
  });

  it('triggers images on object finalized in originals, in the bucket\'s region, with retries, as the trigger identity', () => {
    const trigger = fn('images').eventTrigger as Inputs;
    expect(trigger).to.deep.include({
      eventType: 'google.cloud.storage.object.v1.finalized',
      eventFilters: [{ attribute: 'bucket', value: bucketName('originals') }],
      retryPolicy: 'RETRY_POLICY_RETRY',
      serviceAccountEmail: `${prefix}-upload-trigger@${project}.iam.gserviceaccount.com`,
    });
    const bucketLocation = String(r.get(T.bucket, 'uploads-originals').inputs.location);
    expect(trigger.triggerRegion).to.equal(bucketLocation.toLowerCase());
    expect(fn('users').eventTrigger).to.equal(undefined);
    expect(fn('orders').eventTrigger).to.equal(undefined);
  });

  it('grants exactly these IAM bindings: each role on one resource, the service agents included', () => {
    const expected = [
      // images: read originals, write compressed, publish its dead letters
      `${sa(`${prefix}-images`)} roles/storage.objectViewer bucket:${bucketName('originals')}`,
      `${sa(`${prefix}-images`)} roles/storage.objectUser bucket:${bucketName('compressed')}`,
      `${sa(`${prefix}-images`)} roles/pubsub.publisher topic:${prefix}-images-dead-letters`,
      // the upload trigger: receive events, invoke images only
      `${sa(`${prefix}-upload-trigger`)} roles/eventarc.eventReceiver project`,
      `${sa(`${prefix}-upload-trigger`)} roles/run.invoker service:${region}/${prefix}-images`,
      // the Cloud Storage service agent publishes the bucket's events; the Pub/Sub agent mints the trigger's tokens
      `${storageAgent} roles/pubsub.publisher project`,
      `${pubsubAgent} roles/iam.serviceAccountTokenCreator serviceAccount:projects/${project}/serviceAccounts/${prefix}-upload-trigger@${project}.iam.gserviceaccount.com`,
      // users and orders: their own database only
      `${sa(`${prefix}-users`)} roles/datastore.user firestore:projects/${project}/databases/${prefix}-db`,
      // users: signs upload and download URLs as itself (signBlob) for the buckets' objects
      `${sa(`${prefix}-users`)} roles/storage.objectCreator bucket:${bucketName('originals')}`,
      `${sa(`${prefix}-users`)} roles/storage.objectViewer bucket:${bucketName('compressed')}`,
      `${sa(`${prefix}-users`)} roles/iam.serviceAccountTokenCreator serviceAccount:projects/${project}/serviceAccounts/${prefix}-users@${project}.iam.gserviceaccount.com`,
      `${sa(`${prefix}-orders`)} roles/datastore.user firestore:projects/${project}/databases/${prefix}-db`,
      `${sa(`${prefix}-orders`)} roles/pubsub.publisher topic:${prefix}-payments`,
      `${sa(`${prefix}-orders`)} roles/pubsub.publisher topic:${prefix}-order-events`,
      `${sa(`${prefix}-orders`)} roles/pubsub.publisher topic:${prefix}-orders-dead-letters`,
      // the push identity invokes orders only; the Pub/Sub agent mints its tokens
      `${sa(`${prefix}-orders-push`)} roles/run.invoker service:${region}/${prefix}-orders`,
      `${pubsubAgent} roles/iam.serviceAccountTokenCreator serviceAccount:projects/${project}/serviceAccounts/${prefix}-orders-push@${project}.iam.gserviceaccount.com`,
      // the dead-letter policy forwards as the Pub/Sub service agent
      `${pubsubAgent} roles/pubsub.publisher topic:${prefix}-orders-dead-letters`,
      `${pubsubAgent} roles/pubsub.subscriber subscription:${prefix}-orders-push`,
      // the build identity: logs, images, the sources (ours and Cloud Functions' staged copy); the deployer acts as it
      `${sa(`${prefix}-builder`)} roles/logging.logWriter project`,
      `${sa(`${prefix}-builder`)} roles/artifactregistry.writer project`,
      `${sa(`${prefix}-builder`)} roles/storage.objectViewer bucket:${bucketName('sources')}`,
      `${sa(`${prefix}-builder`)} roles/storage.objectViewer project if resource.name.startsWith("projects/_/buckets/gcf-v2-sources-${gcpProjectNumber}-${region}")`,
      `user:${gcpDeployerEmail} roles/iam.serviceAccountUser serviceAccount:projects/${project}/serviceAccounts/${prefix}-builder@${project}.iam.gserviceaccount.com`,
      // the outbox sweeper's identity invokes orders only (Cloud Scheduler with OIDC)
      `${sa(`${prefix}-sweeper`)} roles/run.invoker service:${region}/${prefix}-orders`,
    ];
    // The dev stack lists no users invokers and is not public.
    expect(bindingsOf(r).map(describeBinding)).to.have.members(expected);
  });

  it('creates each function after its own roles, so the first invocation has them', () => {
    for (const name of names) {
      const own = r.all.filter((x) => x.parent === r.get(T.component, name).urn && x.type !== T.fn && x.type !== T.account && x.type !== T.object);
      expect(own.length, `${name} has roles`).to.be.greaterThan(0);
      for (const grant of own) expect(r.get(T.fn, `${name}-function`).dependencies).to.include(grant.urn);
    }
    const imagesDeps = r.get(T.fn, 'images-function').dependencies;
    expect(imagesDeps).to.include(r.get(T.projectMember, 'uploads-trigger-receives').urn);
    expect(imagesDeps).to.include(r.get(T.projectMember, 'uploads-storage-agent-publishes').urn);
    expect(imagesDeps).to.include(r.get(T.accountMember, 'uploads-agent-mints-tokens').urn);
  });

  it('pushes orders with an OIDC token of the push identity, a dead-letter policy, backoff and an ack deadline covering the timeout', () => {
    const push = r.get(T.subscription, 'orders-pipeline-push');
    // The mocks answer serviceConfig.uri as https://<function>-offline-<region>.a.run.app.
    const url = `https://${prefix}-orders-offline-${region}.a.run.app`;
    expect(push.inputs).to.deep.include({
      name: `${prefix}-orders-push`,
      topic: topicId(`${prefix}-orders`),
      pushConfig: { pushEndpoint: url, oidcToken: { serviceAccountEmail: `${prefix}-orders-push@${project}.iam.gserviceaccount.com`, audience: url } },
      deadLetterPolicy: { deadLetterTopic: topicId(`${prefix}-orders-dead-letters`), maxDeliveryAttempts: stackFile.config['multicloud-functions:maxDeliveries'] },
      retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
      expirationPolicy: { ttl: '' },
    });
    const ack = push.inputs.ackDeadlineSeconds as number;
    expect(ack).to.be.at.least(functionSpecs.orders.timeoutSeconds).and.at.most(600);
    expect(push.dependencies).to.include(r.get(T.runMember, 'orders-pipeline-push-invokes').urn);
  });

  it('keeps dead letters (and payment requests) in subscriptions that never expire', () => {
    const kept = (name: string): Inputs => r.get(T.subscription, name).inputs;
    for (const [sub, topic] of [['uploads-dead-letters-kept', 'images-dead-letters'], ['orders-pipeline-dead-letters-kept', 'orders-dead-letters'], ['orders-pipeline-payments-kept', 'payments']]) {
      expect(kept(sub)).to.deep.include({ topic: topicId(`${prefix}-${topic}`), expirationPolicy: { ttl: '' }, messageRetentionDuration: '1209600s' });
      expect(kept(sub).pushConfig).to.equal(undefined);
    }
    const topics = r.ofType(T.topic).map((t) => t.inputs.name);
    expect(topics).to.have.members([`${prefix}-orders`, `${prefix}-orders-dead-letters`, `${prefix}-payments`, `${prefix}-order-events`, `${prefix}-images-dead-letters`]);
  });

  it('makes both upload buckets private (uniform access, public access prevention), originals deleted after 30 days', () => {
    const bucket = (role: string): Inputs => r.get(T.bucket, `uploads-${role}`).inputs;
    for (const role of ['originals', 'compressed', 'source']) {
      expect(bucket(role)).to.include({ uniformBucketLevelAccess: true, publicAccessPrevention: 'enforced', location: region.toUpperCase(), project });
    }
    expect(bucket('originals').lifecycleRules).to.deep.equal([{ action: { type: 'Delete' }, condition: { age: 30 } }]);
    expect(bucket('compressed').lifecycleRules ?? []).to.deep.equal([]);
    expect(bucket('originals').name).to.not.equal(bucket('compressed').name);
  });

  it('creates a native-mode Firestore database in the region, deletable in dev', () => {
    expect(r.get(T.database, 'tables-database').inputs).to.include({
      name: `${prefix}-db`,
      type: 'FIRESTORE_NATIVE',
      locationId: region,
      deleteProtectionState: 'DELETE_PROTECTION_DISABLED',
      deletionPolicy: 'DELETE',
      pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
    });
  });

  it('alerts on 5xx responses of each function and on waiting dead letters', () => {
    const filters = r.ofType(T.alert).map((a) => ((a.inputs.conditions as Inputs[])[0].conditionThreshold as Inputs).filter as string);
    for (const name of names) {
      expect(filters.some((f) => f.includes(`service_name = "${prefix}-${name}"`) && f.includes('response_code_class = "5xx"')), name).to.equal(true);
    }
    for (const sub of ['images-dead-letters-kept', 'orders-dead-letters-kept']) {
      expect(filters.some((f) => f.includes(`subscription_id = "${prefix}-${sub}"`) && f.includes('num_undelivered_messages')), sub).to.equal(true);
    }
    expect(filters).to.have.length(5);
  });

  it('exports the users URL, bucket names and topic names', () => {
    expect(run.outputs).to.deep.include({
      usersApiUrl: `https://${region}-${project}.cloudfunctions.net/${prefix}-users`,
      originalsBucketName: bucketName('originals'),
      compressedBucketName: bucketName('compressed'),
      ordersTopic: `${prefix}-orders`,
      paymentsTopic: `${prefix}-payments`,
      eventsTopic: `${prefix}-order-events`,
      ordersDeadLetterTopic: `${prefix}-orders-dead-letters`,
      imagesDeadLetterTopic: `${prefix}-images-dead-letters`,
      // what `npm run redrive` reads
      ordersDeadLetterSubscription: `${prefix}-orders-dead-letters-kept`,
      imagesDeadLetterSubscription: `${prefix}-images-dead-letters-kept`,
    });
  });
});
