/** The core's port contract suites, run against the SQLite and file-system implementations. */
import { localQueues, localTopics } from '../../../../adapters/local/environment';
import { describeBlobStoreContract } from '../../../contracts/blob-store.contract';
import { describeMessageBusContract } from '../../../contracts/message-bus.contract';
import { describeOrderLedgerContract } from '../../../contracts/order-ledger.contract';
import { describeUserRepositoryContract } from '../../../contracts/user-repository.contract';
import { encodeCursor } from '../../../../adapters/local/ports/user-repository';
import { localHarness, type LocalHarness } from '../local-harness';

const harnesses: LocalHarness[] = [];
function fresh(): LocalHarness {
  const h = localHarness();
  harnesses.push(h);
  return h;
}
after(() => harnesses.splice(0).forEach((h) => h.dispose()));

describeBlobStoreContract('local files + SQLite', async () => ({ store: fresh().ports.blobs, bucket: 'originals' }));
describeUserRepositoryContract('local SQLite', async () => ({ users: fresh().ports.users, forgeCursor: encodeCursor }));
describeOrderLedgerContract('local SQLite', async () => {
  const { ledger } = fresh().ports;
  return { ledger, inventory: ledger };
});
describeMessageBusContract('local SQLite', async () => {
  const { ports } = fresh();
  // read back through SQL, not through the bus under test
  const rows = (sql: string, name: string) =>
    ports.db.prepare<[string], { body: string; attributes: string }>(sql).all(name).map((r) => ({
      body: JSON.parse(r.body) as Record<string, unknown>,
      attributes: JSON.parse(r.attributes) as Record<string, string>,
    }));
  return {
    bus: ports.bus,
    queue: localQueues.payments,
    topic: localTopics.events,
    receivedOnQueue: async () => rows('SELECT body, attributes FROM messages WHERE queue = ?', localQueues.payments),
    receivedOnTopic: async () => rows('SELECT body, attributes FROM topic_events WHERE topic = ?', localTopics.events),
  };
});
