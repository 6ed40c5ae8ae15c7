/**
 * The AWS stack: the three functions on Lambda with their buckets, tables, queues, topic, API
 * and alarms. Each function's environment uses the names `adapters/aws/environment.ts` reads and
 * its policy names exactly the resources those variables point at.
 */
import * as pulumi from '@pulumi/pulumi';
import { getCallerIdentityOutput } from '@pulumi/aws/getCallerIdentity';
import { awsEnvironment } from '../../adapters/aws/environment';
import { ordersTable } from '../../adapters/aws/tables';
import { settingName } from '../../handlers/settings';
import type { FunctionName } from '../../handlers/specs';
import type { StackConfig } from '../config';
import { refuse } from '../config-values';
import { readPackage } from '../packages';
import { Alarms } from './alarms';
import { checkWarmInstances } from './concurrency';
import { defaultBucketName, defaultBucketNameProblem, s3BucketNameProblem, type BucketRole } from './bucket-names';
import { UploadBuckets } from './buckets';
import { ServerlessFunction, packageEntry } from './function';
import { objectsOf } from './iam';
import { OrdersPipeline } from './orders-pipeline';
import { allowBrowserUploads, signingStatements } from './signed-uploads';
import { OutboxSweeper } from './outbox-sweeper';
import { Tables } from './tables';
import { UsersApi } from './users-api';

// Items are read, written conditionally and deleted; TransactWriteItems and TransactGetItems are
// authorised per action inside them.
const itemActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'];

export function deployAws(config: StackConfig): Record<string, pulumi.Input<unknown>> {
  const prefix = config.namePrefix;
  checkWarmInstances(config);
  const packages = (name: FunctionName) => readPackage(config.packagesDir, 'aws', name, packageEntry);
  const functionName = (name: FunctionName) => `${prefix}-${name}`;
  const accountId = getCallerIdentityOutput().accountId;
  const common = { logRetentionDays: config.aws.logRetentionDays, tracing: config.tracing };

  const bucketName = (role: BucketRole): pulumi.Input<string> => {
    const set = config.bucketNamesSet[role];
    const source = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html';
    if (set) {
      const problem = s3BucketNameProblem(set);
      if (problem) refuse(`${config.project}:${role}Bucket`, set, `an S3 bucket name with ${problem} (${source})`);
      return set;
    }
    const problem = defaultBucketNameProblem(prefix, role);
    if (problem) {
      refuse(`${config.project}:namePrefix`, prefix, `a prefix that makes "${prefix}-${role}-<account id>" an S3 bucket name with ${problem} (${source}); or set ${role}Bucket`);
    }
    return defaultBucketName(prefix, role, accountId);
  };

  const tables = new Tables('tables', { namePrefix: prefix, deletionProtection: config.deletionProtection });
  const uploads = new UploadBuckets('uploads', {
    // S3 bucket names are global: unless the stack names them, they carry the account id.
    originalsBucket: bucketName('originals'),
    compressedBucket: bucketName('compressed'),
    originalsExpireDays: config.originalsExpireDays,
    deadLetterQueueName: `${prefix}-images-dead-letters`,
  });
  const pipeline = new OrdersPipeline('orders-pipeline', {
    namePrefix: prefix,
    maxReceiveCount: config.maxDeliveries,
    functionTimeoutSeconds: config.functions.orders.timeoutSeconds,
  });

  const env = awsEnvironment;
  const images = new ServerlessFunction('images', {
    ...common,
    functionName: functionName('images'),
    plan: config.functions.images,
    package: packages('images'),
    environment: {
      [env.images.originalsBucket]: uploads.originals.bucket,
      [env.images.compressedBucket]: uploads.compressed.bucket,
      [env.images.deadLetterQueueUrl]: uploads.deadLetters.url,
    },
    statements: [
      // HeadObject is authorised as s3:GetObject.
      { sid: 'ReadOriginals', actions: ['s3:GetObject'], resources: [objectsOf(uploads.originals.arn)] },
      { sid: 'CheckAndWriteCompressed', actions: ['s3:GetObject', 's3:PutObject'], resources: [objectsOf(uploads.compressed.arn)] },
      // Without s3:ListBucket, HeadObject of a missing key answers 403 instead of 404 (S3 API
      // reference, HeadObject "Permissions"), and the core could not tell "not there yet" apart.
      { sid: 'TellMissingObjects', actions: ['s3:ListBucket'], resources: [uploads.originals.arn, uploads.compressed.arn] },
      // The on-failure destination is sent with the function's own role.
      { sid: 'SendDeadLetters', actions: ['sqs:SendMessage'], resources: [uploads.deadLetters.arn] },
    ],
  });
  uploads.notify(images, { retryAttempts: config.aws.imagesRetryAttempts, maxEventAgeSeconds: config.aws.imagesMaxEventAgeSeconds }, accountId);

  const jwt = config.usersApi.jwt;
  const users = new ServerlessFunction('users', {
    ...common,
    functionName: functionName('users'),
    plan: config.functions.users,
    package: packages('users'),
    environment: {
      [env.users.usersTable]: tables.users.name,
      [env.users.originalsBucket]: uploads.originals.bucket,
      [env.users.compressedBucket]: uploads.compressed.bucket,
      // The authorizer already checked the token; the core verifies it again to read the admin claim.
      ...(jwt ? { [settingName('users', 'jwtIssuer')]: jwt.issuer, [settingName('users', 'jwtAudience')]: jwt.audience } : {}),
      // API Gateway owns CORS and replaces the function's CORS headers, but the preflight routes
      // (users-api.ts) reach the function, which must answer an allowed origin's preflight 204.
      ...(config.usersApi.corsOrigins.length > 0 ? { [settingName('users', 'corsOrigins')]: config.usersApi.corsOrigins.join(',') } : {}),
    },
    statements: [
      { sid: 'UserItems', actions: itemActions, resources: [tables.users.arn] },
      { sid: 'ListUsers', actions: ['dynamodb:Query'], resources: [tables.usersListingIndexArn] },
      ...signingStatements(uploads.originals.arn, uploads.compressed.arn),
    ],
  });
  allowBrowserUploads('uploads-originals-cors', uploads.originals, config.usersApi.corsOrigins, uploads);
  const api = new UsersApi('users-api', { apiName: `${prefix}-users-api`, fn: users, settings: config.usersApi });

  const orders = new ServerlessFunction('orders', {
    ...common,
    functionName: functionName('orders'),
    plan: config.functions.orders,
    package: packages('orders'),
    environment: {
      [env.orders.ordersTable]: tables.orders.name,
      [env.orders.paymentsQueueUrl]: pipeline.payments.url,
      [env.orders.eventsTopicArn]: pipeline.events.arn,
      [env.orders.deadLetterQueueUrl]: pipeline.deadLetters.url,
      [settingName('orders', 'maxDeliveries')]: String(config.maxDeliveries),
    },
    statements: [
      { sid: 'OrderItems', actions: itemActions, resources: [tables.orders.arn] },
      // the outbox sweeper reads the sparse index of pending entries (adapters/aws/tables.ts)
      { sid: 'FindPendingOutboxes', actions: ['dynamodb:Query'], resources: [pulumi.interpolate`${tables.orders.arn}/index/${ordersTable.pendingIndex}`] },
      // What the event source mapping does with the function's role.
      { sid: 'ConsumeOrders', actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], resources: [pipeline.orders.arn] },
      { sid: 'SendPaymentsAndDeadLetters', actions: ['sqs:SendMessage'], resources: [pipeline.payments.arn, pipeline.deadLetters.arn] },
      { sid: 'PublishEvents', actions: ['sns:Publish'], resources: [pipeline.events.arn] },
    ],
  });
  pipeline.deliverTo(orders, config.aws.ordersBatchSize);
  new OutboxSweeper('outbox-sweeper', { namePrefix: prefix, fn: orders, everyMinutes: config.outboxSweepMinutes, accountId });

  new Alarms('alarms', {
    namePrefix: prefix,
    functions: { images: images.functionName, users: users.functionName, orders: orders.functionName },
    deadLetterQueues: { images: uploads.deadLetters.name, orders: pipeline.deadLetters.name },
    alarmTopicArn: config.aws.alarmTopicArn,
  });

  return {
    usersApiUrl: api.url,
    originalsBucketName: uploads.originals.bucket,
    compressedBucketName: uploads.compressed.bucket,
    ordersQueueUrl: pipeline.orders.url,
    paymentsQueueUrl: pipeline.payments.url,
    ordersDeadLetterQueueUrl: pipeline.deadLetters.url,
    imagesDeadLetterQueueUrl: uploads.deadLetters.url,
    eventsTopicArn: pipeline.events.arn,
    functionNames: { images: images.functionName, users: users.functionName, orders: orders.functionName },
  };
}
