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
import { AzureMessageBus, type QueueEnvelope } from '../../../adapters/azure/ports/message-bus';
import { TableOrderLedger } from '../../../adapters/azure/ports/order-ledger';
import { TableUserRepository } from '../../../adapters/azure/ports/user-repository';
import { decodeQueueMessage } from '../../../adapters/azure/queue-encoding';
import { azureEnvironment } from '../../../adapters/azure/environment';
import { eventsPublisher } from '../../../adapters/azure/wiring';
import { describeBlobStoreContract } from '../../contracts/blob-store.contract';
import { describeMessageBusContract } from '../../contracts/message-bus.contract';
import { describeOrderLedgerContract } from '../../contracts/order-ledger.contract';
import { describeUserRepositoryContract } from '../../contracts/user-repository.contract';
import { startAzurite, startEventGridStandIn, type Azurite, type EventGridStandIn } from '../../support/azure-peers';

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

  describeUserRepositoryContract('azure table (Azurite)', async () => ({ users: new TableUserRepository(await table(`users${suffix}`)) }));

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
