/** The contract suites run against the in-memory ports, which proves the suites themselves. */
import { MemoryBlobStore, MemoryMessageBus, MemoryOrderLedger, MemoryUserRepository } from '../support/memory';
import { describeBlobStoreContract } from './blob-store.contract';
import { describeMessageBusContract } from './message-bus.contract';
import { describeOrderLedgerContract } from './order-ledger.contract';
import { describeUserRepositoryContract } from './user-repository.contract';

describeBlobStoreContract('memory', async () => ({ store: new MemoryBlobStore(), bucket: 'b' }));
describeUserRepositoryContract('memory', async () => ({ users: new MemoryUserRepository(), forgeCursor: (p) => Buffer.from(`m:${p}`).toString('base64url') }));
describeOrderLedgerContract('memory', async () => {
  const ledger = new MemoryOrderLedger();
  return { ledger, inventory: ledger };
});
describeMessageBusContract('memory', async () => {
  const bus = new MemoryMessageBus();
  return {
    bus,
    queue: 'payments',
    topic: 'events',
    receivedOnQueue: async () => bus.sent.map((m) => ({ body: m.message, attributes: { order_id: m.options.dedupKey, ...m.options.attributes } })),
    receivedOnTopic: async () => bus.published.map((m) => ({ body: m.event, attributes: m.options.attributes })),
  };
});
