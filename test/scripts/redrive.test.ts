/**
 * `npm run redrive`: its arguments, its lock, and each mover against a real peer: the local
 * runtime's database, SQS on fauxqs, storage queues and blobs on Azurite, the Pub/Sub emulator.
 * Each dead-letter queue holds the two kinds of letter: the platform's (the original text) and
 * ours (an envelope with `message`, or a pointer to a blob); an envelope with no message is skipped.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { encodeQueueMessage, decodeQueueMessage, poisonQueueName } from '../../adapters/azure/queue-encoding';
import { localQueues } from '../../adapters/local/environment';
import { wireLocal } from '../../adapters/local/wiring';
import { deadLetterForMessage } from '../../handlers/delivery';
import { silentLogger } from '../../handlers/ports/logger';
import { redriveAwsOrders } from '../../scripts/redrive/aws';
import { redriveAzureOrders } from '../../scripts/redrive/azure';
import { redriveGcpOrders } from '../../scripts/redrive/gcp';
import { parseArgs, redrive, report, RedriveUsageError } from '../../scripts/redrive/index';
import { acquireLock, AlreadyRunning } from '../../scripts/redrive/lock';
import { messagingPeer } from '../support/aws-peers';
import { createQueue, drain } from '../support/aws-queues';
import { startAzurite } from '../support/azure-peers';
import { gcpPeers, gcpPeersMissing } from '../support/gcp-peers';

const order = (id: string) => JSON.stringify({ order_id: id, user_id: 'u', items: [{ product_id: 'p', quantity: 1 }], total_amount: 1, currency: 'EUR' });
const envelope = (body: string) => JSON.stringify(deadLetterForMessage('orders', body, 'ECONNREFUSED payments queue', 5, new Date()));
const empty = JSON.stringify({ function: 'orders', reason: 'not an SQS message', attempts: 1, failed_at: new Date().toISOString() });

describe('redrive: arguments and lock', () => {
  it('takes <stack> <orders|images> [--dry-run] [--limit N] and refuses anything else', () => {
    expect(parseArgs(['dev', 'orders'])).to.deep.equal({ stack: 'dev', fn: 'orders', dryRun: false, limit: 1000 });
    expect(parseArgs(['dev', 'images', '--dry-run', '--limit', '5'])).to.deep.equal({ stack: 'dev', fn: 'images', dryRun: true, limit: 5 });
    for (const bad of [[], ['dev'], ['dev', 'users'], ['dev', 'orders', '--limit', '0'], ['dev', 'orders', '--force']]) {
      expect(() => parseArgs(bad), bad.join(' ')).to.throw(RedriveUsageError);
    }
  });

  it('refuses a second run at once, and takes over the lock of a run that died', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redrive-lock-'));
    try {
      const path = join(dir, 'x.lock');
      const release = acquireLock(path);
      expect(() => acquireLock(path)).to.throw(AlreadyRunning, /another redrive/);
      release();
      writeFileSync(path, '2147483646'); // no such process
      acquireLock(path)();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a run while another holds the stack\'s lock, through the command itself', async () => {
    const lockDir = mkdtempSync(join(tmpdir(), 'redrive-lock-'));
    try {
      const release = acquireLock(join(lockDir, 'mcf-redrive-local-orders.lock'));
      const err = await redrive({ stack: 'local', fn: 'orders', dryRun: true, limit: 1 }, { REDRIVE_LOCK_DIR: lockDir }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(AlreadyRunning);
      release();
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  });
});

describe('redrive: the local runtime', function () {
  this.timeout(30_000);
  it('moves every orders dead letter back to the orders queue (a dry run moves none) and prints them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redrive-local-'));
    const env = { DATA_DIR: dataDir, REDRIVE_LOCK_DIR: dataDir };
    try {
      const ports = wireLocal({ dataDir, env: {} }, silentLogger);
      for (const id of ['l-1', 'l-2']) await ports.deadLetters.record(deadLetterForMessage('orders', order(id), 'ECONNREFUSED', 5, new Date()));
      ports.close();
      const dry = await redrive({ stack: 'local', fn: 'orders', dryRun: true, limit: 10 }, env);
      expect(dry.map((m) => [m.order_id, m.action])).to.deep.equal([['l-1', 'would move'], ['l-2', 'would move']]);
      const moved = await redrive({ stack: 'local', fn: 'orders', dryRun: false, limit: 1 }, env);
      expect(moved.map((m) => [m.order_id, m.action])).to.deep.equal([['l-1', 'moved']]);
      expect(report(moved, { stack: 'local', fn: 'orders', dryRun: false, limit: 1 })).to.match(/moved 1 of 1 orders dead letters of local/);
      const after = wireLocal({ dataDir, env: {} }, silentLogger);
      expect(after.queue(localQueues.orders).peek().map((m) => m.attributes.order_id)).to.deep.equal(['l-1']);
      expect(after.deadLetters.list().map((l) => l.message)).to.deep.equal([order('l-2')]);
      after.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a stack that names no cloud it knows', async () => {
    const root = mkdtempSync(join(tmpdir(), 'redrive-root-'));
    try {
      writeFileSync(join(root, 'Pulumi.odd.yaml'), 'config:\n  multicloud-functions:cloud: oracle\n');
      const err = await redrive({ stack: 'odd', fn: 'images', dryRun: true, limit: 1 }, { REDRIVE_LOCK_DIR: root }, root).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RedriveUsageError);
      expect((err as Error).message).to.match(/names no cloud this command knows: "oracle"/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('redrive: AWS orders on fauxqs', function () {
  this.timeout(60_000);
  it('moves the platform\'s letters and ours to the orders queue, skips an empty envelope, reading the stack outputs', async () => {
    const { sqs, endpoint } = await messagingPeer();
    const tag = randomUUID().slice(0, 8);
    const dlq = await createQueue(sqs, `orders-dlq-${tag}`);
    const orders = await createQueue(sqs, `orders-${tag}`);
    for (const body of [order(`a-${tag}`), envelope(order(`b-${tag}`)), empty]) await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: body }));

    const dry = await redriveAwsOrders(sqs, { deadLetterQueueUrl: dlq.url, ordersQueueUrl: orders.url }, { dryRun: true, limit: 10 });
    expect(dry.map((m) => m.action).sort()).to.deep.equal(['skipped: the letter holds no message', 'would move', 'would move']);
    expect(await drain(sqs, orders.url, { waitSeconds: 0 })).to.deep.equal([]);

    // through the command: Pulumi.dev.yaml says aws; the outputs come from a saved copy
    const dir = mkdtempSync(join(tmpdir(), 'redrive-aws-'));
    const saved = { ...process.env };
    try {
      writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ ordersDeadLetterQueueUrl: dlq.url, ordersQueueUrl: orders.url }));
      Object.assign(process.env, { AWS_ENDPOINT_URL_SQS: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
      await new Promise((r) => setTimeout(r, 0));
      // the dry run hid the letters for 60 s: make them visible again
      for (const m of await drain(sqs, dlq.url, { deleteAfter: true, waitSeconds: 0 })) void m;
      for (const body of [order(`a-${tag}`), envelope(order(`b-${tag}`)), empty]) await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: body }));
      const moved = await redrive({ stack: 'dev', fn: 'orders', dryRun: false, limit: 10 }, { REDRIVE_STACK_OUTPUTS: join(dir, 'outputs.json'), REDRIVE_LOCK_DIR: dir });
      expect(moved.filter((m) => m.action === 'moved').map((m) => m.order_id).sort()).to.deep.equal([`a-${tag}`, `b-${tag}`]);
      const replayed = await drain(sqs, orders.url);
      expect(replayed.map((m) => m.body).sort()).to.deep.equal([order(`a-${tag}`), order(`b-${tag}`)].sort());
      expect(replayed.every((m) => m.attributes.order_id === JSON.parse(m.body).order_id)).to.equal(true);
    } finally {
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('redrive: Azure orders on Azurite', function () {
  this.timeout(60_000);
  it('moves poison letters back in the trigger\'s encoding, the oversize one from its blob, and deletes them', async function () {
    const azurite = await startAzurite();
    if (!azurite) this.skip();
    try {
      const queues = QueueServiceClient.fromConnectionString(azurite!.connectionString);
      const blobs = BlobServiceClient.fromConnectionString(azurite!.connectionString);
      const tag = randomUUID().slice(0, 8);
      const ordersQueue = `orders-${tag}`;
      await queues.getQueueClient(ordersQueue).create();
      const poison = queues.getQueueClient(poisonQueueName(ordersQueue));
      await poison.create();
      const container = blobs.getContainerClient(`orders-dead-letters-${tag}`);
      await container.create();
      await container.uploadBlockBlob('big.json', envelope(order(`c-${tag}`)), envelope(order(`c-${tag}`)).length);
      const pointer = JSON.stringify({ function: 'orders', reason: 'too big', attempts: 1, failed_at: new Date().toISOString(), message_blob: `orders-dead-letters-${tag}/big.json` });
      for (const text of [order(`a-${tag}`), envelope(order(`b-${tag}`)), pointer, empty]) await poison.sendMessage(encodeQueueMessage(text));

      const moved = await redriveAzureOrders(queues, blobs, { ordersQueue }, { dryRun: false, limit: 10 });
      expect(moved.filter((m) => m.action === 'moved').map((m) => m.order_id).sort()).to.deep.equal([`a-${tag}`, `b-${tag}`, `c-${tag}`]);
      const { receivedMessageItems } = await queues.getQueueClient(ordersQueue).receiveMessages({ numberOfMessages: 32 });
      expect(receivedMessageItems.map((m) => decodeQueueMessage(m.messageText)).sort()).to.deep.equal([order(`a-${tag}`), order(`b-${tag}`), order(`c-${tag}`)].sort());
      const left = await poison.peekMessages({ numberOfMessages: 32 });
      expect(left.peekedMessageItems.map((m) => decodeQueueMessage(m.messageText))).to.deep.equal([]); // the skipped one is hidden for 60 s, not deleted
    } finally {
      await azurite!.stop();
    }
  });
});

describe('redrive: Google Cloud orders on the Pub/Sub emulator', function () {
  this.timeout(90_000);
  it('publishes each dead letter\'s original to the orders topic and acknowledges it; a dry run leaves them', async function () {
    const missing = gcpPeersMissing();
    if (missing) this.skip();
    const { projectId } = await gcpPeers();
    const pubsub = new PubSub({ projectId });
    try {
      const tag = randomUUID().slice(0, 8);
      const [dead] = await pubsub.createTopic(`orders-dead-letters-${tag}`);
      const [kept] = await dead.createSubscription(`orders-dead-letters-${tag}-kept`);
      const [ordersTopic] = await pubsub.createTopic(`orders-${tag}`);
      const [received] = await ordersTopic.createSubscription(`orders-${tag}-check`);
      for (const text of [order(`a-${tag}`), envelope(order(`b-${tag}`)), empty]) await dead.publishMessage({ data: Buffer.from(text) });
      const target = { ordersTopic: ordersTopic.name, deadLetterSubscription: kept.name };

      const dry = await redriveGcpOrders(pubsub, target, { dryRun: true, limit: 10 });
      expect(dry.filter((m) => m.action === 'would move')).to.have.length(2);
      const moved = await redriveGcpOrders(pubsub, target, { dryRun: false, limit: 10 });
      expect(moved.filter((m) => m.action === 'moved').map((m) => m.order_id).sort()).to.deep.equal([`a-${tag}`, `b-${tag}`]);
      // acknowledged for good: only the skipped letter is left
      const left = await redriveGcpOrders(pubsub, target, { dryRun: true, limit: 10 });
      expect(left.map((m) => m.action)).to.deep.equal(['skipped: the letter holds no message']);

      const got: Message[] = [];
      received.on('message', (m: Message) => {
        got.push(m);
        m.ack();
      });
      const deadline = Date.now() + 20_000;
      while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await received.close();
      expect(got.map((m) => m.data.toString()).sort()).to.deep.equal([order(`a-${tag}`), order(`b-${tag}`)].sort());
      expect(got.map((m) => m.attributes.order_id).sort()).to.deep.equal([`a-${tag}`, `b-${tag}`]);
    } finally {
      await pubsub.close();
    }
  });
});
