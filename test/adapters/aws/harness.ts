/**
 * The AWS entry points wired to the real local peers, as wiring.ts wires them in Lambda, plus
 * the environment a packaged bundle needs to find the same resources.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { awsEnvironment as names } from '../../../adapters/aws/environment';
import type { ImagesWiring } from '../../../adapters/aws/images';
import type { OrdersWiring } from '../../../adapters/aws/orders';
import { S3BlobStore } from '../../../adapters/aws/ports/blob-store';
import { SqsDeadLetters } from '../../../adapters/aws/ports/dead-letters';
import { SqsSnsMessageBus } from '../../../adapters/aws/ports/message-bus';
import { S3ObjectUrls } from '../../../adapters/aws/ports/object-urls';
import { DynamoOrderLedger } from '../../../adapters/aws/ports/order-ledger';
import { DynamoUserRepository } from '../../../adapters/aws/ports/user-repository';
import type { UsersWiring } from '../../../adapters/aws/users';
import { documentClient } from '../../../adapters/aws/wiring';
import { systemClock } from '../../../handlers/ports/clock';
import { randomIds } from '../../../handlers/ports/ids';
import { silentLogger } from '../../../handlers/ports/logger';
import { imagesSpec, ordersSpec, usersSpec } from '../../../handlers/specs';
import { dynamoPeer, messagingPeer, s3Peer } from '../../support/aws-peers';
import { createQueue, createTopicWithQueue } from '../../support/aws-queues';
import { freePort } from '../../support/processes';

const fake = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };

/** An endpoint nothing listens on: every call fails to connect, as when a service is down. */
export async function deadEndpoint(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

export async function ordersHarness() {
  const dynamo = await dynamoPeer();
  if (typeof dynamo === 'string') return dynamo;
  const { sqs, sns, endpoint } = await messagingPeer();
  const { ordersTable } = await dynamo.createTables();
  const orders = await createQueue(sqs, 'orders', { VisibilityTimeout: '1' });
  const payments = await createQueue(sqs, 'payments');
  const deadLetters = await createQueue(sqs, 'orders-dlq');
  const events = await createTopicWithQueue(sns, sqs, 'events');
  const ledger = new DynamoOrderLedger(dynamo.doc, ordersTable);
  const wiring = (ledgerClient = dynamo.doc): OrdersWiring => ({
    deps: {
      ledger: new DynamoOrderLedger(ledgerClient, ordersTable),
      bus: new SqsSnsMessageBus(sqs, sns, { queues: { payments: payments.url }, topics: { events: events.topicArn } }),
      clock: systemClock,
      logger: silentLogger,
    },
    deadLetters: new SqsDeadLetters(sqs, deadLetters.url),
    settings: { ...ordersSpec.settings },
  });
  const env = {
    [names.orders.ordersTable]: ordersTable,
    [names.orders.paymentsQueueUrl]: payments.url,
    [names.orders.eventsTopicArn]: events.topicArn,
    [names.orders.deadLetterQueueUrl]: deadLetters.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_SNS: endpoint,
  };
  /** The same wiring with DynamoDB unreachable. */
  const unreachableLedger = async () => wiring(documentClient(new DynamoDBClient({ ...fake, endpoint: await deadEndpoint() })));
  return { sqs, ledger, orders, payments, deadLetters, events, wiring: wiring(), unreachableLedger, env };
}

export async function usersHarness() {
  const dynamo = await dynamoPeer();
  if (typeof dynamo === 'string') return dynamo;
  const { usersTable } = await dynamo.createTables();
  // The buckets of signed uploads and downloads, on s3rver.
  const s3 = await s3Peer();
  const buckets = { originals: `users-originals-${usersTable.slice(-8)}`, compressed: `users-compressed-${usersTable.slice(-8)}` };
  for (const bucket of Object.values(buckets)) await s3.createBucket(bucket);
  const wiring: UsersWiring = {
    deps: { users: new DynamoUserRepository(dynamo.doc, usersTable), objectUrls: new S3ObjectUrls(s3.s3, buckets), clock: systemClock, ids: randomIds, logger: silentLogger },
    settings: { ...usersSpec.settings },
  };
  const unreachable = async (): Promise<UsersWiring> => ({
    ...wiring,
    deps: { ...wiring.deps, users: new DynamoUserRepository(documentClient(new DynamoDBClient({ ...fake, endpoint: await deadEndpoint() })), usersTable) },
  });
  const env = {
    [names.users.usersTable]: usersTable,
    [names.users.originalsBucket]: buckets.originals,
    [names.users.compressedBucket]: buckets.compressed,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  };
  return { wiring, unreachable, env, s3, buckets };
}

export async function imagesHarness(originals: string, compressed: string) {
  const s3 = await s3Peer();
  const { sqs } = await messagingPeer();
  await s3.createBucket(originals);
  await s3.createBucket(compressed);
  const deadLetters = await createQueue(sqs, 'images-dlq');
  const wiring = (client: S3Client = s3.s3): ImagesWiring => ({
    deps: { blobs: new S3BlobStore(client), clock: systemClock, logger: silentLogger },
    deadLetters: new SqsDeadLetters(sqs, deadLetters.url),
    config: { ...imagesSpec.settings, compressedBucket: compressed },
  });
  const unreachable = async () => wiring(new S3Client({ ...fake, endpoint: await deadEndpoint(), forcePathStyle: true }));
  return { s3, sqs, deadLetters, wiring: wiring(), unreachable };
}
