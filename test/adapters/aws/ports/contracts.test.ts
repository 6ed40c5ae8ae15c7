/** The four port contract suites, run against the AWS ports on real local peers. */
import { describeBlobStoreContract } from '../../../contracts/blob-store.contract';
import { describeMessageBusContract, type DeliveredMessage } from '../../../contracts/message-bus.contract';
import { describeOrderLedgerContract } from '../../../contracts/order-ledger.contract';
import { describeUserRepositoryContract } from '../../../contracts/user-repository.contract';
import { S3BlobStore } from '../../../../adapters/aws/ports/blob-store';
import { SqsSnsMessageBus } from '../../../../adapters/aws/ports/message-bus';
import { DynamoOrderLedger } from '../../../../adapters/aws/ports/order-ledger';
import { DynamoUserRepository, encodeCursor } from '../../../../adapters/aws/ports/user-repository';
import { dynamoPeer, messagingPeer, s3Peer, type DynamoPeer } from '../../../support/aws-peers';
import { createQueue, createTopicWithQueue, drain } from '../../../support/aws-queues';

describe('AWS ports on DynamoDB Local', function () {
  this.timeout(120_000);
  let peer: DynamoPeer;
  let tables: { usersTable: string; ordersTable: string };
  before(async function () {
    const started = await dynamoPeer();
    if (typeof started === 'string') {
      console.warn(`  skipped: ${started}`);
      this.skip();
    }
    peer = started as DynamoPeer;
    tables = await peer.createTables();
  });

  describeUserRepositoryContract('DynamoDB', async () => ({ users: new DynamoUserRepository(peer.doc, tables.usersTable), forgeCursor: encodeCursor }));
  describeOrderLedgerContract('DynamoDB', async () => {
    const ledger = new DynamoOrderLedger(peer.doc, tables.ordersTable);
    return { ledger, inventory: ledger };
  });
});

describeBlobStoreContract('S3 (s3rver)', async () => {
  const peer = await s3Peer();
  await peer.createBucket('contract-originals');
  return { store: new S3BlobStore(peer.s3), bucket: 'contract-originals' };
});

describeMessageBusContract('SQS and SNS (fauxqs)', async () => {
  const { sqs, sns } = await messagingPeer();
  const payments = await createQueue(sqs, 'payments');
  const events = await createTopicWithQueue(sns, sqs, 'events');
  const bus = new SqsSnsMessageBus(sqs, sns, { queues: { payments: payments.url }, topics: { events: events.topicArn } });
  const onQueue: DeliveredMessage[] = [];
  const onTopic: DeliveredMessage[] = [];
  const parse = (m: { body: string; attributes: Record<string, string> }) => ({ body: JSON.parse(m.body), attributes: m.attributes });
  return {
    bus,
    queue: 'payments',
    topic: 'events',
    receivedOnQueue: async () => (onQueue.push(...(await drain(sqs, payments.url)).map(parse)), onQueue),
    receivedOnTopic: async () => (onTopic.push(...(await drain(sqs, events.queue.url)).map(parse)), onTopic),
  };
});
