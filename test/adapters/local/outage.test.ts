/**
 * The reproduction on the local runtime's worker: the bus fails on every call, so after
 * `maxDeliveries` deliveries the order message is dead-lettered while the order is PLACED. The
 * dead letter now says so (status and pending entries), and when the bus is back the sweeper
 * relays the payment request once, without the message.
 */
import { expect } from 'chai';
import { localQueues } from '../../../adapters/local/environment';
import { ordersEntry } from '../../../adapters/local/orders';
import { OutboxSweepTimer } from '../../../adapters/local/outbox-sweep';
import { QueueWorker } from '../../../adapters/local/worker';
import type { MessageBus } from '../../../handlers/ports/message-bus';
import { silentLogger } from '../../../handlers/ports/logger';
import { localHarness, type LocalHarness } from './local-harness';

describe('local runtime: an outage longer than the retry budget', function () {
  this.timeout(30_000);
  let h: LocalHarness;
  beforeEach(() => (h = localHarness()));
  afterEach(() => h.dispose());

  it('dead-letters the message with the order\'s state, and the sweeper sends its payment once the bus is back', async () => {
    const down = { value: true };
    const bus: MessageBus = {
      send: async (...args) => (down.value ? Promise.reject(new Error('ECONNREFUSED payments queue')) : h.ports.bus.send(...args)),
      publish: async (...args) => (down.value ? Promise.reject(new Error('ECONNREFUSED events topic')) : h.ports.bus.publish(...args)),
    };
    const ports = { ...h.ports, bus };
    await h.ports.ledger.setStock('p1', 3);
    const orders = ordersEntry(ports);
    const queue = h.ports.queue(localQueues.orders);
    const worker = new QueueWorker({
      function: 'orders', queue, handle: orders.handle, envelope: orders.envelope, logger: silentLogger,
      concurrency: 1, visibilityMs: 10_000, timeoutMs: 5_000, maxReceives: h.ports.settings.orders.maxDeliveries, backoffMs: 1, maxBackoffMs: 5, pollMs: 5,
    });
    queue.enqueue(JSON.stringify({ order_id: 'out-1', user_id: 'u1', items: [{ product_id: 'p1', quantity: 1 }], total_amount: 100, currency: 'EUR' }), { order_id: 'out-1' });
    worker.start();
    const deadline = Date.now() + 20_000;
    while (h.ports.deadLetters.list().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await worker.stop(0);
    const [letter] = h.ports.deadLetters.list();
    expect(letter).to.deep.include({ function: 'orders', reason: 'order out-1: ECONNREFUSED payments queue', attempts: 5 });
    expect(letter.order).to.deep.equal({ order_id: 'out-1', status: 'PLACED', pending_entries: ['payment-request', 'order-created'] });

    down.value = false;
    const later = { ...ports, clock: { now: () => new Date(Date.now() + 600_000) } };
    const swept = await new OutboxSweepTimer(later, 60_000).sweep();
    expect(swept).to.include({ orders: 1, relayed: 2, failed: 0 });
    expect(h.ports.queue(localQueues.payments).peek().map((m) => JSON.parse(m.body).order_id)).to.deep.equal(['out-1']);
    expect(await h.ports.ledger.pendingOutbox('out-1')).to.deep.equal([]);
  });
});
