/**
 * The Google Cloud stack: the three functions on Cloud Functions 2nd gen with their APIs,
 * buckets, Firestore database, Pub/Sub topics and subscriptions, invoker bindings and alert
 * policies. Each function's environment uses the names `adapters/gcp/environment.ts` reads, and
 * its service account holds roles on exactly the resources those variables point at.
 */
import * as pulumi from '@pulumi/pulumi';
import { getClientOpenIdUserInfoOutput } from '@pulumi/gcp/organizations/getClientOpenIdUserInfo';
import { getProjectOutput } from '@pulumi/gcp/organizations/getProject';
import { ServiceIdentity } from '@pulumi/gcp/projects/serviceIdentity';
import { getProjectServiceAccountOutput } from '@pulumi/gcp/storage/getProjectServiceAccount';
import { gcpEnvironment } from '../../adapters/gcp/environment';
import { settingName } from '../../handlers/settings';
import type { FunctionName } from '../../handlers/specs';
import type { StackConfig } from '../config';
import { readPackage } from '../packages';
import { Alarms } from './alarms';
import { BuildIdentity } from './build-identity';
import { UploadBuckets } from './buckets';
import { ServerlessFunction, packageEntry } from './function';
import { memberOfEmail, type Grant } from './iam';
import { readGcpOptions } from './options';
import { OrdersPipeline } from './orders-pipeline';
import { PropagationWait, grantSettleSeconds } from './propagation-wait';
import { OutboxSweeper } from './outbox-sweeper';
import { ProjectServices } from './services';
import { signAsItself, signingGrants, uploadCors } from './signed-uploads';
import { Tables } from './tables';
import { UsersApi } from './users-api';

/** Cloud Storage's event for a new (or overwritten) object (Eventarc, Cloud Storage events). */
export const objectFinalized = 'google.cloud.storage.object.v1.finalized';

/**
 * Documents are read, written in batches and deleted (`roles/datastore.user`), on the
 * stack's database only.
 */
const firestoreUser = (database: pulumi.Input<string>): Grant => ({ label: 'uses-database', role: 'roles/datastore.user', on: { firestoreDatabase: database } });
const publisher = (label: string, topic: pulumi.Input<string>): Grant => ({ label, role: 'roles/pubsub.publisher', on: { topic } });

export function deployGcp(config: StackConfig): Record<string, pulumi.Input<unknown>> {
  const options = readGcpOptions(config);
  const { project, region } = options;
  const prefix = config.namePrefix;
  const packages = (name: FunctionName) => readPackage(config.packagesDir, 'gcp', name, packageEntry);
  // Cloud Resource Manager answers this while the program runs, before `services` exist: it is a
  // prerequisite enabled by hand (prerequisiteServices in services.ts, README Prerequisites), which
  // the provider needs anyway to read back every projects.Service it enables. Without it the
  // preview stops here with Google's "API has not been used in project ... or it is disabled".
  const projectNumber = getProjectOutput({ projectId: project }).number;

  const services = new ProjectServices('services', { project });
  const dependsOn = services.ready;
  // The Pub/Sub service agent (service-<number>@gcp-sa-pubsub) appears some time after the API is
  // enabled; a binding naming it before then fails with "Service account ... does not exist".
  // Generating the service identity creates it, and the bindings wait for that
  // (Service Usage generateServiceIdentity; google_project_service_identity).
  const pubsubAgent = new ServiceIdentity('pubsub-agent', { project, service: 'pubsub.googleapis.com' }, { dependsOn });
  const pubsubAgentEmail = pubsubAgent.email;
  const tables = new Tables('tables', { project, location: region, namePrefix: prefix, deletionProtection: config.deletionProtection, dependsOn });
  const uploads = new UploadBuckets('uploads', {
    project,
    region,
    namePrefix: prefix,
    names: options.buckets,
    originalsExpireDays: config.originalsExpireDays,
    forceDestroy: !config.deletionProtection,
    originalsCors: uploadCors(config.usersApi.corsOrigins),
    dependsOn,
  });
  uploads.allowStorageEvents(getProjectServiceAccountOutput({ project }, { dependsOn }).emailAddress, pubsubAgentEmail);
  const pipeline = new OrdersPipeline('orders-pipeline', { project, namePrefix: prefix, dependsOn });

  // Cloud Build builds every function as the stack's own build identity, and the deployer (the
  // account the provider authenticates as: google_client_openid_userinfo) may act as it.
  const deployer = getClientOpenIdUserInfoOutput().email.apply(memberOfEmail);
  const builder = new BuildIdentity('build', { project, region, namePrefix: prefix, projectNumber, sourceBucket: uploads.source.name, deployer, dependsOn });

  const env = gcpEnvironment;
  const build = { serviceAccount: builder.accountName, ready: builder.ready };
  const common = { project, region, namePrefix: prefix, sourceBucket: uploads.source.name, build };
  const dataEnv = { [env.common.projectId]: project, [env.common.firestoreDatabase]: tables.databaseName };

  const images = new ServerlessFunction('images', {
    ...common,
    functionName: `${prefix}-images`,
    plan: config.functions.images,
    maxInstances: options.maxInstances.images,
    package: packages('images'),
    environment: {
      [env.common.projectId]: project,
      [env.images.originalsBucket]: uploads.originals.name,
      [env.images.compressedBucket]: uploads.compressed.name,
      [env.images.deadLetterTopic]: uploads.deadLetters.name,
    },
    grants: [
      { label: 'reads-originals', role: 'roles/storage.objectViewer', on: { bucket: uploads.originals.name } },
      // Checking for an earlier output reads, and writing again over it needs delete.
      { label: 'writes-compressed', role: 'roles/storage.objectUser', on: { bucket: uploads.compressed.name } },
      publisher('publishes-dead-letters', uploads.deadLetters.name),
    ],
    trigger: {
      eventType: objectFinalized,
      filters: { bucket: uploads.originals.name },
      region: uploads.triggerRegion,
      serviceAccountEmail: uploads.triggerAccount.email,
    },
    // Reached only through Eventarc, which authenticates as the trigger's identity.
    ingress: 'ALLOW_ALL',
    // Eventarc checks the Cloud Storage agent's publisher role and the trigger identity when it
    // creates the trigger; a role written a moment before is not visible yet (IAM propagation).
    dependsOn: [...dependsOn, ...uploads.triggerReady, new PropagationWait('uploads-grants-settle', { after: uploads.triggerReady, seconds: grantSettleSeconds })],
  });
  uploads.allowTrigger(images);

  const jwt = config.usersApi.jwt;
  const users = new ServerlessFunction('users', {
    ...common,
    functionName: `${prefix}-users`,
    plan: config.functions.users,
    maxInstances: options.maxInstances.users,
    package: packages('users'),
    environment: {
      ...dataEnv,
      [env.users.originalsBucket]: uploads.originals.name,
      [env.users.compressedBucket]: uploads.compressed.name,
      // No gateway in front: the function itself answers CORS and checks tokens.
      ...(config.usersApi.corsOrigins.length > 0 ? { [settingName('users', 'corsOrigins')]: config.usersApi.corsOrigins.join(',') } : {}),
      ...(jwt ? { [settingName('users', 'jwtIssuer')]: jwt.issuer, [settingName('users', 'jwtAudience')]: jwt.audience } : {}),
    },
    grants: [firestoreUser(tables.databaseName), ...signingGrants(uploads.originals.name, uploads.compressed.name)],
    grantsOnItself: [signAsItself],
    ingress: 'ALLOW_ALL',
    dependsOn,
  });
  const api = new UsersApi('users-api', { project, fn: users, invokers: options.usersInvokers });

  const orders = new ServerlessFunction('orders', {
    ...common,
    functionName: `${prefix}-orders`,
    plan: config.functions.orders,
    maxInstances: options.maxInstances.orders,
    package: packages('orders'),
    environment: {
      ...dataEnv,
      [env.orders.paymentsTopic]: pipeline.payments.name,
      [env.orders.eventsTopic]: pipeline.events.name,
      [env.orders.deadLetterTopic]: pipeline.deadLetters.name,
      [settingName('orders', 'maxDeliveries')]: String(config.maxDeliveries),
    },
    grants: [
      firestoreUser(tables.databaseName),
      publisher('publishes-payments', pipeline.payments.name),
      publisher('publishes-events', pipeline.events.name),
      publisher('publishes-dead-letters', pipeline.deadLetters.name),
    ],
    // Reached only through the push subscription, which authenticates with an OIDC token.
    ingress: 'ALLOW_ALL',
    dependsOn,
  });
  pipeline.deliverTo(orders, {
    maxDeliveryAttempts: config.maxDeliveries,
    functionTimeoutSeconds: config.functions.orders.timeoutSeconds,
    minBackoffSeconds: options.ordersMinBackoffSeconds,
    maxBackoffSeconds: options.ordersMaxBackoffSeconds,
    pubsubAgentEmail,
  });
  new OutboxSweeper('outbox-sweeper', {
    project, region, schedulerRegion: options.schedulerRegion, namePrefix: prefix, fn: orders, everyMinutes: config.outboxSweepMinutes,
    functionTimeoutSeconds: config.functions.orders.timeoutSeconds, dependsOn,
  });

  new Alarms('alarms', {
    project,
    namePrefix: prefix,
    functions: { images: images.serviceName, users: users.serviceName, orders: orders.serviceName },
    deadLetterSubscriptions: { images: uploads.deadLettersKept.name, orders: pipeline.deadLettersKept.name },
    notificationChannels: options.alertChannels,
    dependsOn,
  });

  return {
    usersApiUrl: api.url,
    originalsBucketName: uploads.originals.name,
    compressedBucketName: uploads.compressed.name,
    sourceBucketName: uploads.source.name,
    ordersTopic: pipeline.orders.name,
    paymentsTopic: pipeline.payments.name,
    eventsTopic: pipeline.events.name,
    ordersDeadLetterTopic: pipeline.deadLetters.name,
    // the kept subscription of dead letters, which `npm run redrive` reads
    ordersDeadLetterSubscription: pipeline.deadLettersKept.name,
    imagesDeadLetterTopic: uploads.deadLetters.name,
    // the kept subscription of images dead letters, which `npm run redrive -- <stack> images` reads
    imagesDeadLetterSubscription: uploads.deadLettersKept.name,
    firestoreDatabase: tables.databaseName,
    functionNames: { images: images.functionName, users: users.functionName, orders: orders.functionName },
  };
}
