/**
 * Outage: the bus (payments queue and events topic) fails on every call for longer than the
 * orders queue's retry budget while orders arrive, so every message is dead-lettered after
 * `maxDeliveries` deliveries with its order already PLACED. Then the bus recovers, and a few
 * relays crash mid-way (sent, never marked: the injected crash). After ONE sweep, on every store:
 * every placed order has exactly one payment request and one ORDER_CREATED event, no outbox
 * entry is pending, and the only payment requests sent twice are the crashed relays' ones.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { RELAY_LEASE_MS } from '../../handlers/orders/relay';
import { sweepOutbox } from '../../handlers/orders/sweeper';
import { silentLogger } from '../../handlers/ports/logger';
import type { MessageBus, PublishOptions, SendOptions } from '../../handlers/ports/message-bus';
import { deliverOrder, orderBody, ordersSettings, pool, RecordingBus } from '../support/reliability-orders';
import { storesUnderTest, useStore } from '../support/reliability-stores';
import { tally } from '../support/reliability-tally';

const ORDERS = 200;
const CRASHES = 5;
const PRODUCTS = 10;

/** The recording bus behind a switch: while down, every call fails as a refused connection. */
class OutageBus implements MessageBus {
  down = true;
  refused = 0;
  constructor(readonly inner: RecordingBus) {}
  async send(queue: string, message: Record<string, unknown>, options: SendOptions) {
    if (this.down) {
      this.refused++;
      throw new Error('ECONNREFUSED payments queue');
    }
    return this.inner.send(queue, message, options);
  }
  async publish(topic: string, event: Record<string, unknown>, options: PublishOptions) {
    if (this.down) {
      this.refused++;
      throw new Error('ECONNREFUSED events topic');
    }
    return this.inner.publish(topic, event, options);
  }
}

for (const store of storesUnderTest) {
  describe(`reliability: bus outage on ${store.name}`, function () {
    this.timeout(600_000);
    const open = useStore(store);

    it(`relays all ${ORDERS} orders once after one sweep, though every message was dead-lettered during the outage`, async () => {
      const { ledger } = open();
      const run = randomUUID().slice(0, 8);
      const product = (i: number) => `out-${run}-p${i % PRODUCTS}`;
      for (let p = 0; p < PRODUCTS; p++) await ledger.setStock(product(p), 100_000);
      const orders = Array.from({ length: ORDERS }, (_, i) => orderBody(`out-${run}-o${i}`, [{ product_id: product(i), quantity: 1 }]));
      const recording = new RecordingBus();
      const bus = new OutageBus(recording);

      // the outage: each message delivered maxDeliveries times, every relay refused
      const deliveries = await pool(
        orders.map((o, i) => () => deliverOrder(JSON.stringify(o), { ledger, bus }, `m${i}`, ordersSettings.maxDeliveries)),
        16,
      );
      expect(deliveries.filter((d) => d.deadLetter).length, 'dead-lettered by the platform').to.equal(ORDERS);
      for (const o of orders.slice(0, 3)) expect((await ledger.getOrder(o.order_id))?.status).to.equal('PLACED');
      expect(recording.payments).to.have.length(0);

      // recovery, with CRASHES relays that send the payment request and die before marking it
      bus.down = false;
      const crashAt = new Date();
      for (const o of orders.slice(0, CRASHES)) {
        const claim = { owner: `crashed-${o.order_id}`, at: crashAt.toISOString(), until: new Date(crashAt.getTime() + RELAY_LEASE_MS).toISOString() };
        expect(await ledger.claimEntry(o.order_id, 'payment-request', claim)).to.equal(true);
        const [entry] = await ledger.pendingOutbox(o.order_id);
        await bus.send('payments', entry.body, { dedupKey: o.order_id, attributes: entry.attributes });
      }

      // ONE sweep, one period later (past the grace period and the crashed relays' leases)
      const later = new Date(Date.now() + Math.max(ordersSettings.sweepGraceSeconds * 1000, RELAY_LEASE_MS) + 60_000);
      const swept = await sweepOutbox({ ledger, bus, clock: { now: () => later }, logger: silentLogger }, { ...ordersSettings, sweepMaxOrders: ORDERS });
      expect(swept).to.include({ failed: 0, incomplete: false });

      const paid = recording.paymentsByOrder();
      const created = new Map<string, number>();
      for (const e of recording.events) if (e.event_type === 'ORDER_CREATED') created.set(e.order_id, (created.get(e.order_id) ?? 0) + 1);
      const resent = recording.payments.length - paid.size;
      for (const [i, o] of orders.entries()) {
        expect(paid.get(o.order_id) ?? 0, `payment requests for ${o.order_id}`).to.equal(i < CRASHES ? 2 : 1);
        expect(created.get(o.order_id), `ORDER_CREATED for ${o.order_id}`).to.equal(1);
        expect(await ledger.pendingOutbox(o.order_id), `outbox of ${o.order_id}`).to.deep.equal([]);
      }
      expect(resent, 'payment requests re-sent: the crashed relays only').to.equal(CRASHES);
      const stillPending = await ledger.pendingOrders({ before: later.toISOString(), limit: 1000 });
      expect(stillPending.orders.filter((p) => p.order_id.startsWith(`out-${run}-`))).to.deep.equal([]);

      tally(`outage: orders (${store.name})`, ORDERS);
      tally(`outage: dead-lettered during the outage (${store.name})`, deliveries.filter((d) => d.deadLetter).length);
      tally(`outage: calls refused by the bus (${store.name})`, bus.refused);
      tally(`outage: entries relayed by one sweep (${store.name})`, swept.relayed);
      tally(`outage: payment requests re-sent after an injected crash (${store.name})`, resent);
      tally(`outage: orders without exactly one payment request, crashes aside (${store.name})`, orders.filter((o, i) => (paid.get(o.order_id) ?? 0) !== (i < CRASHES ? 2 : 1)).length);
      tally('messages processed', deliveries.reduce((n, d) => n + d.attempts, 0));
      tally('faults injected', bus.refused + CRASHES);
      tally('lost (orders without a payment request)', orders.filter((o) => !paid.has(o.order_id)).length);
    });
  });
}
