/**
 * Duplicates: every order is delivered twice, the copies interleaved and delivered concurrently
 * (at-least-once delivery on every cloud). On every store: each order placed exactly once, stock
 * exact, one distinct payment request per order id, and no order without its payment request.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { deliverOrder, orderBody, pool, RecordingBus, shuffled, type Delivered } from '../support/reliability-orders';
import { fullScale } from '../support/reliability-scale';
import { storesUnderTest, useStore } from '../support/reliability-stores';
import { tally } from '../support/reliability-tally';

const PRODUCTS = 20;
const INITIAL_STOCK = 100_000;

for (const store of storesUnderTest) {
  describe(`reliability: duplicates on ${store.name}`, function () {
    this.timeout(fullScale ? 1_800_000 : 240_000);
    const open = useStore(store);

    it(`places ${store.duplicateOrders} orders exactly once when each is delivered twice, concurrently`, async () => {
      const { ledger } = open();
      const run = randomUUID().slice(0, 8);
      const product = (i: number) => `dup-${run}-p${i % PRODUCTS}`;
      for (let p = 0; p < PRODUCTS; p++) await ledger.setStock(product(p), INITIAL_STOCK);
      const orders = Array.from({ length: store.duplicateOrders }, (_, i) =>
        orderBody(`dup-${run}-o${i}`, [
          { product_id: product(i), quantity: 1 + (i % 3) },
          ...(i % 4 === 0 ? [{ product_id: product(i + 7), quantity: 2 }] : []),
        ]),
      );
      const copies = orders.flatMap((o) => [o, o]).map((o, i) => ({ body: JSON.stringify(o), messageId: `m${i}` }));
      const bus = new RecordingBus();
      // interleaved (seeded shuffle) and concurrent: the two copies of one order often run at once
      const deliveries: Delivered[] = await pool(
        shuffled(copies, 1234).map((c) => () => deliverOrder(c.body, { ledger, bus }, c.messageId)),
        16,
      );

      const outcomes = (name: string) => deliveries.filter((d) => d.result?.outcome === name).length;
      expect(deliveries.filter((d) => d.deadLetter).map((d) => d.deadLetter)).to.deep.equal([]);
      expect(outcomes('placed'), 'placed').to.equal(orders.length);
      expect(outcomes('duplicate'), 'answered duplicate').to.equal(orders.length);
      expect(outcomes('insufficient'), 'cancelled').to.equal(0);

      const expected = new Map<string, number>();
      for (const o of orders) for (const l of o.items) expected.set(l.product_id, (expected.get(l.product_id) ?? 0) + l.quantity);
      for (let p = 0; p < PRODUCTS; p++) {
        expect(await ledger.getStock(product(p)), product(p)).to.equal(INITIAL_STOCK - (expected.get(product(p)) ?? 0));
      }

      const paid = bus.paymentsByOrder();
      expect(paid.size, 'distinct payment requests').to.equal(orders.length);
      for (const o of orders) {
        expect(paid.has(o.order_id), `payment request for ${o.order_id}`).to.equal(true);
        expect((await ledger.getOrder(o.order_id))?.status, o.order_id).to.equal('PLACED');
        expect(await ledger.pendingOutbox(o.order_id), `outbox of ${o.order_id}`).to.deep.equal([]);
      }
      // a re-sent copy carries the same order id (counted above), and its dedup key is that id
      for (const p of bus.payments) expect(p.dedupKey).to.equal(p.order_id);
      const resent = bus.payments.length - paid.size;
      // each relay claims an entry before sending it: concurrency alone re-sends nothing (issue 20)
      expect(resent, 'payment requests re-sent without a crash').to.equal(0);
      const redeliveries = deliveries.reduce((n, d) => n + d.attempts - 1, 0);

      tally(`duplicates: orders (${store.name})`, orders.length);
      tally(`duplicates: messages delivered, copies included (${store.name})`, copies.length + redeliveries);
      tally(`duplicates: payment requests re-sent (${store.name})`, resent);
      tally('messages processed', copies.length + redeliveries);
      tally('duplicate deliveries', orders.length);
      tally('lost (orders without a payment request)', orders.filter((o) => !paid.has(o.order_id)).length);
    });
  });
}
