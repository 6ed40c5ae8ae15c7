/**
 * The four port contract suites against Azurite (blob, queue, table) and the Event Grid stand-in.
 * MessageBus reads back through the peers themselves: the payments queue with a queue client,
 * the events topic as the stand-in received it.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { AzureBlobStore, fromAzureMetadata, toAzureMetadata } from '../../../adapters/azure/ports/blob-store';
import { ContainerDeadLetters, MAX_QUEUE_MESSAGE_BYTES, PoisonQueueDeadLetters } from '../../../adapters/azure/ports/dead-letters';
import { AzureMessageBus, type QueueEnvelope } from '../../../adapters/azure/ports/message-bus';
import { TableOrderLedger } from '../../../adapters/azure/ports/order-ledger';
import { encodeCursor, TableUserRepository } from '../../../adapters/azure/ports/user-repository';
import { decodeQueueMessage, encodeQueueMessage } from '../../../adapters/azure/queue-encoding';
import type { DeadLetter } from '../../../handlers/ports/dead-letters';
import { azureEnvironment } from '../../../adapters/azure/environment';
import { eventsPublisher } from '../../../adapters/azure/wiring';
import { describeBlobStoreContract } from '../../contracts/blob-store.contract';
import { describeMessageBusContract } from '../../contracts/message-bus.contract';
import { describeOrderLedgerContract } from '../../contracts/order-ledger.contract';
import { describeUserRepositoryContract } from '../../contracts/user-repository.contract';
import { startAzurite, startEventGridStandIn, type Azurite, type EventGridStandIn } from '../../support/azure-peers';
import { letterPointedTo } from './app-harness';

describe('Azure ports on Azurite', function () {
  this.timeout(60_000);
  let azurite: Azurite | undefined;
  let grid: EventGridStandIn;
  const suffix = randomUUID().slice(0, 8);

  before(async function () {
    azurite = await startAzurite();
    if (!azurite) {
      console.log('      skipped: Azurite is not installed (npm ci installs azurite@3.35.0)');
      this.skip();
    }
    grid = await startEventGridStandIn();
  });
  after(async () => {
    await grid?.stop();
    await azurite?.stop();
  });

  const cs = () => azurite!.connectionString;
  const table = async (name: string) => {
    const client = TableClient.fromConnectionString(cs(), name, { allowInsecureConnection: true });
    await client.createTable();
    return client;
  };

  describe('blob metadata names', () => {
    it('maps the core\'s dashes to C# identifiers and back', () => {
      const core = { 'original-size': '10', 'source-etag': 'x' };
      expect(toAzureMetadata(core)).to.deep.equal({ original_size: '10', source_etag: 'x' });
      expect(fromAzureMetadata(toAzureMetadata(core))).to.deep.equal(core);
    });
    it('refuses a key that could not come back unchanged', () => {
      expect(() => toAzureMetadata({ original_size: '1' })).to.throw(/C# identifier/);
      expect(() => toAzureMetadata({ '9lives': '1' })).to.throw(/C# identifier/);
    });
  });

  describe('PoisonQueueDeadLetters', () => {
    /** A letter whose queue message (JSON, then base64) is exactly `bytes` long. */
    function letterOfSize(bytes: number): DeadLetter {
      const base: DeadLetter = { function: 'orders', reason: 'not JSON', attempts: 1, failed_at: '2026-01-01T00:00:00.000Z', message: '' };
      const json = (bytes / 4) * 3; // base64: 4 characters for every 3 bytes
      return { ...base, message: 'm'.repeat(json - JSON.stringify(base).length) };
    }

    async function sink() {
      const queue = QueueServiceClient.fromConnectionString(cs()).getQueueClient(`poison-${randomUUID().slice(0, 8)}`);
      const container = BlobServiceClient.fromConnectionString(cs()).getContainerClient(`letters-${randomUUID().slice(0, 8)}`);
      await queue.create();
      await container.create();
      const read = async () => {
        const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
        return receivedMessageItems.map((m) => JSON.parse(decodeQueueMessage(m.messageText)) as DeadLetter);
      };
      // counts the builds of the overflow container's client: Storage Blob loads only when one is built
      const built = { overflow: 0 };
      const overflow = () => {
        built.overflow++;
        return new ContainerDeadLetters(container);
      };
      return { queue, container, read, built, letters: new PoisonQueueDeadLetters(queue, overflow) };
    }

    it('writes a letter of exactly 64 KiB to the poison queue itself, which takes it', async () => {
      const { letters, read, container, built } = await sink();
      const letter = letterOfSize(MAX_QUEUE_MESSAGE_BYTES);
      expect(encodeQueueMessage(JSON.stringify(letter))).to.have.length(MAX_QUEUE_MESSAGE_BYTES);
      await letters.record(letter);
      expect(await read()).to.deep.equal([letter]);
      expect(await container.listBlobsFlat().next()).to.include({ done: true });
      expect(built.overflow, 'the overflow client is not built for a letter that fits').to.equal(0);
    });

    it('moves a letter one step over 64 KiB, which the queue refuses, to a blob and queues a pointer', async () => {
      const { queue, letters, read, container } = await sink();
      const letter = letterOfSize(MAX_QUEUE_MESSAGE_BYTES + 4);
      const refused = await queue.sendMessage(encodeQueueMessage(JSON.stringify(letter))).then(() => undefined, (e: { statusCode?: number }) => e.statusCode);
      expect(refused, 'the emulator refuses it as the service does').to.equal(413);
      await letters.record(letter);
      const [pointer, ...more] = await read();
      expect(more).to.deep.equal([]);
      const { message: _m, ...rest } = letter;
      expect(pointer).to.deep.equal({ ...rest, message_blob: pointer.message_blob });
      expect(pointer.message_blob).to.match(new RegExp(`^${container.containerName}/orders/2026-01-01T00:00:00\\.000Z/message-[0-9a-f]{16}\\.json$`));
      expect(await letterPointedTo(container, pointer.message_blob!)).to.deep.equal(letter);
    });

    it('cuts an overlong reason in the pointer only', async () => {
      const { letters, read, container } = await sink();
      const letter = { ...letterOfSize(MAX_QUEUE_MESSAGE_BYTES + 4), reason: 'r'.repeat(10_000) };
      await letters.record(letter);
      const [pointer] = await read();
      expect(pointer.reason).to.equal(`${'r'.repeat(4096)}…`);
      expect((await letterPointedTo(container, pointer.message_blob!)).reason).to.equal(letter.reason);
    });
  });

  describe('table keys', () => {
    it('stores ids and emails holding characters Table keys refuse, and returns them unchanged', async () => {
      const users = new TableUserRepository(await table(`keys${suffix}`));
      const u = {
        user_id: `a/b#c?d%e\\f-${suffix}`,
        name: 'Slashes',
        email: `x/y#z@example.com`,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
        version: 1,
      };
      expect(await users.create(u)).to.equal('created');
      expect(await users.get(u.user_id)).to.deep.equal(u);
      expect((await users.list({ limit: 10 })).users).to.deep.equal([u]);
      expect(await users.create({ ...u, user_id: `other-${suffix}` })).to.equal('duplicate_email');
    });
  });

  describeBlobStoreContract('azure blob (Azurite)', async () => {
    const service = BlobServiceClient.fromConnectionString(cs());
    const bucket = `contract-${suffix}`;
    await service.getContainerClient(bucket).createIfNotExists();
    return { store: new AzureBlobStore(service), bucket };
  });

  describeUserRepositoryContract('azure table (Azurite)', async () => ({ users: new TableUserRepository(await table(`users${suffix}`)), forgeCursor: (p) => encodeCursor(`id:${p}`) }));

  describeOrderLedgerContract('azure table (Azurite)', async () => {
    const ledger = new TableOrderLedger(await table(`ledger${suffix}`));
    return { ledger, inventory: ledger };
  });

  describeMessageBusContract('azure storage queue + Event Grid topic', async () => {
    const queues = QueueServiceClient.fromConnectionString(cs());
    const payments = queues.getQueueClient(`payments-${suffix}`);
    await payments.createIfNotExists();
    const publisher = eventsPublisher({
      [azureEnvironment.orders.eventsTopicEndpoint]: grid.endpoint,
      [azureEnvironment.orders.eventsTopicKey]: grid.key,
    });
    const bus = new AzureMessageBus(queues, { queues: { payments: payments.name }, topics: { events: publisher } });
    const seen: { body: Record<string, unknown>; attributes: Record<string, string> }[] = [];
    return {
      bus,
      queue: 'payments',
      topic: 'events',
      receivedOnQueue: async () => {
        const got = await payments.receiveMessages({ numberOfMessages: 32 });
        for (const m of got.receivedMessageItems) {
          const envelope = JSON.parse(decodeQueueMessage(m.messageText)) as QueueEnvelope;
          seen.push({ body: envelope.body, attributes: envelope.attributes });
          await payments.deleteMessage(m.messageId, m.popReceipt);
        }
        return seen;
      },
      // Event Grid's two filterable fields are the attributes a subscriber sees.
      receivedOnTopic: async () =>
        grid.received.map((e) => ({ body: e.data, attributes: { event_type: e.eventType, order_id: e.subject.replace(/^orders\//, '') } })),
    };
  });
});
