/**
 * Two deliveries of one order at the same moment (a redelivery racing the original, the sweeper
 * racing a delivery) must send its payment request once: each relay claims an entry (a
 * conditional write of a short lease) before sending it. Run on the memory ledger and on the
 * local SQLite ledger of `npm start`, with a bus that takes a moment to answer, as a network does.
 * The reproduction: 13 of 30 concurrent pairs sent the payment request twice.
 */
import { expect } from 'chai';
import { processOrder } from '../../../handlers/orders';
import { RELAY_LEASE_MS } from '../../../handlers/orders/relay';
import { systemClock } from '../../../handlers/ports/clock';
import { silentLogger } from '../../../handlers/ports/logger';
import type { MessageBus } from '../../../handlers/ports/message-bus';
import type { OrderLedger } from '../../../handlers/ports/order-ledger';
import type { Inventory } from '../../../handlers/ports/inventory';
import { localHarness, type LocalHarness } from '../../adapters/local/local-harness';
import { MemoryOrderLedger } from '../../support/memory';
import { settings } from './harness';

/** Counts payment requests per order; every call yields a few times before it is recorded. */
class SlowCountingBus implements MessageBus {
  readonly payments = new Map<string, number>();
  readonly events = new Map<string, number>();
  async send(_queue: string, message: Record<string, unknown>): Promise<void> {
    await new Promise((r) => setTimeout(r, 1 + Math.random() * 3));
    const id = String(message.order_id);
    this.payments.set(id, (this.payments.get(id) ?? 0) + 1);
  }
  async publish(_topic: string, event: Record<string, unknown>): Promise<void> {
    await new Promise((r) => setTimeout(r, 1 + Math.random() * 3));
    const id = String(event.order_id);
    this.events.set(id, (this.events.get(id) ?? 0) + 1);
  }
}

const PAIRS = 30;

const ledgers: { name: string; open(): { ledger: OrderLedger & Inventory; dispose(): void } }[] = [
  { name: 'memory', open: () => ({ ledger: new MemoryOrderLedger(), dispose: () => {} }) },
  {
    name: 'local SQLite',
    open: () => {
      const h: LocalHarness = localHarness();
      return { ledger: h.ports.ledger, dispose: () => h.dispose() };
    },
  },
];

for (const { name, open } of ledgers) {
  describe(`orders: concurrent deliveries of one order (${name})`, function () {
    this.timeout(60_000);

    it(`sends each payment request and event once across ${PAIRS} concurrent pairs of deliveries`, async () => {
      const { ledger, dispose } = open();
      try {
        await ledger.setStock('sku-c', 10_000);
        const bus = new SlowCountingBus();
        const deps = { ledger, bus, clock: systemClock, logger: silentLogger };
        await Promise.all(
          Array.from({ length: PAIRS }, (_, i) => {
            const body = JSON.stringify({ order_id: `pair-${i}`, user_id: 'u', items: [{ product_id: 'sku-c', quantity: 1 }], total_amount: 100, currency: 'EUR' });
            return Promise.all([
              processOrder({ id: `a-${i}`, body, attempts: 1 }, deps, settings),
              processOrder({ id: `b-${i}`, body, attempts: 2 }, deps, settings),
            ]);
          }),
        );
        const resent = [...bus.payments.values()].reduce((n, c) => n + c - 1, 0);
        expect(bus.payments.size, 'orders with a payment request').to.equal(PAIRS);
        expect(resent, 'payment requests re-sent without a crash').to.equal(0);
        expect([...bus.events.values()].every((c) => c === 1), 'one ORDER_CREATED per order').to.equal(true);
        for (let i = 0; i < PAIRS; i++) expect(await ledger.pendingOutbox(`pair-${i}`)).to.deep.equal([]);
      } finally {
        dispose();
      }
    });
  });
}

describe('orders: a relay that died holding an entry', () => {
  it('leaves the entry to the next relay once its lease has run out, and not before', async () => {
    const ledger = new MemoryOrderLedger();
    ledger.stock.set('sku-d', 5);
    const bus = new SlowCountingBus();
    let now = new Date('2026-03-01T12:00:00.000Z');
    const deps = { ledger, bus, clock: { now: () => now }, logger: silentLogger };
    const body = JSON.stringify({ order_id: 'died-1', user_id: 'u', items: [{ product_id: 'sku-d', quantity: 1 }], total_amount: 100, currency: 'EUR' });
    // the first delivery placed the order, claimed the payment request and died before sending it
    const bare = { ...deps, bus: { send: async () => new Promise<never>(() => {}), publish: async () => {} } };
    void processOrder({ id: 'm1', body, attempts: 1 }, bare, settings);
    await new Promise((r) => setTimeout(r, 20));
    expect(await ledger.pendingOutbox('died-1')).to.have.length(2);

    const early = await processOrder({ id: 'm2', body, attempts: 2 }, deps, settings);
    expect(early.relayed, 'ORDER_CREATED only: the payment request is still held').to.equal(1);
    expect(bus.payments.size).to.equal(0);
    expect(bus.events.get('died-1')).to.equal(1);

    now = new Date(now.getTime() + RELAY_LEASE_MS);
    const late = await processOrder({ id: 'm3', body, attempts: 3 }, deps, settings);
    expect(late.relayed).to.equal(1);
    expect(bus.payments.get('died-1')).to.equal(1);
    expect(await ledger.pendingOutbox('died-1')).to.deep.equal([]);
  });
});
