/**
 * Builds the SDK clients and ports once per process: module scope, so a warm Lambda reuses
 * them (and their keep-alive connections) across invocations. Resource names come from the
 * environment the Pulumi program sets (./environment.ts); the SDK reads the region and
 * credentials itself.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../../handlers/ports/clock';
import { randomIds } from '../../handlers/ports/ids';
import { jsonLogger } from '../../handlers/ports/logger';
import { readSettings, validateSettings } from '../../handlers/settings';
import { imagesSpec, ordersSpec, usersSpec } from '../../handlers/specs';
import { awsEnvironment as names, required, type Environment } from './environment';
import { S3BlobStore } from './ports/blob-store';
import { SqsDeadLetters } from './ports/dead-letters';
import { SqsSnsMessageBus } from './ports/message-bus';
import { ObjectUrlsOnFirstUse } from './ports/object-urls-on-first-use';
import { DynamoOrderLedger } from './ports/order-ledger';
import { DynamoUserRepository } from './ports/user-repository';
import { s3Client } from './s3-client';
import type { ImagesWiring } from './images';
import type { OrdersWiring } from './orders';
import type { UsersWiring } from './users';

let dynamo: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let sns: SNSClient | undefined;

/** DynamoDB document client: plain JS values in and out; undefined fields are left out. */
export const dynamoClient = () =>
  (dynamo ??= documentClient(new DynamoDBClient({})));

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export const sqsClient = () => (sqs ??= new SQSClient({}));
export const snsClient = () => (sns ??= new SNSClient({}));

const logger = jsonLogger();
validateSettings(process.env); // refuse to start (init error) on a setting that can only fail later

export function imagesWiring(env: Environment = process.env): ImagesWiring {
  const originals = required(env, names.images.originalsBucket);
  const compressed = required(env, names.images.compressedBucket);
  // Writing into the bucket that triggers the function would fire it again, forever.
  if (originals === compressed) throw new Error(`${names.images.compressedBucket} must differ from ${names.images.originalsBucket}`);
  return {
    deps: { blobs: new S3BlobStore(s3Client()), clock: systemClock, logger },
    deadLetters: new SqsDeadLetters(sqsClient(), required(env, names.images.deadLetterQueueUrl)),
    config: { ...readSettings(imagesSpec, env), compressedBucket: compressed },
  };
}

export function usersWiring(env: Environment = process.env): UsersWiring {
  const table = required(env, names.users.usersTable);
  const buckets = { originals: required(env, names.users.originalsBucket), compressed: required(env, names.users.compressedBucket) };
  return {
    deps: {
      users: new DynamoUserRepository(dynamoClient(), table),
      // The S3 client and the presigners load on the first image route, from a file of their own
      // in the package (scripts/package/aws.ts): the other routes never compile them.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      objectUrls: new ObjectUrlsOnFirstUse(() => (require('./ports/object-urls') as typeof import('./ports/object-urls')).s3ObjectUrls(buckets)),
      clock: systemClock,
      ids: randomIds,
      logger,
    },
    settings: readSettings(usersSpec, env),
  };
}

export function ordersWiring(env: Environment = process.env): OrdersWiring {
  const bus = new SqsSnsMessageBus(sqsClient(), snsClient(), {
    queues: { payments: required(env, names.orders.paymentsQueueUrl) },
    topics: { events: required(env, names.orders.eventsTopicArn) },
  });
  return {
    deps: { ledger: new DynamoOrderLedger(dynamoClient(), required(env, names.orders.ordersTable)), bus, clock: systemClock, logger },
    deadLetters: new SqsDeadLetters(sqsClient(), required(env, names.orders.deadLetterQueueUrl)),
    settings: readSettings(ordersSpec, env),
  };
}
