/**
 * An order id reused with other content is refused, not dropped: the second message is a
 * PermanentError (dead-lettered at once) with the reason `order_id <id> already used for a
 * different order`, and the recorded order, its stock and its outbox are left as they were. The
 * same order sent again (its lines in another order, its currency in lower case) is a duplicate.
 */
import { expect } from 'chai';
import { isPermanent, reasonOf } from '../../../handlers/errors';
import { processOrder } from '../../../handlers/orders';
import { delivery, orderBody, rejection, settings, world } from './harness';

describe('orders: an order id reused for a different order', () => {
  const variants: [string, Record<string, unknown>][] = [
    ['another user', { user_id: 'user-2' }],
    ['other items', { items: [{ product_id: 'sku-1', quantity: 3 }] }],
    ['another product', { items: [{ product_id: 'sku-2', quantity: 2 }] }],
    ['another amount', { total_amount: 1 }],
    ['another currency', { currency: 'USD' }],
  ];
  for (const [what, change] of variants) {
    it(`dead-letters a second message with ${what} at once, with the reason, the first order untouched`, async () => {
      const w = world({ 'sku-1': 10, 'sku-2': 10 });
      await processOrder(delivery(orderBody()), w.deps, settings);
      const err = await rejection(processOrder(delivery(orderBody(change)), w.deps, settings));
      expect(isPermanent(err), 'dead-lettered at once, not retried').to.equal(true);
      expect(reasonOf(err)).to.equal('order_id ord-1 already used for a different order');
      expect(w.ledger.stock.get('sku-1')).to.equal(8);
      expect(w.ledger.stock.get('sku-2')).to.equal(10);
      expect((await w.ledger.getOrder('ord-1'))?.order.user_id).to.equal('user-1');
      expect(w.bus.sent).to.have.length(1);
      expect(w.logs.find((l) => l.outcome === 'refused')?.reason).to.equal('order_id ord-1 already used for a different order');
    });
  }

  it('answers the same order sent again as a duplicate, whatever the order of its lines or the case of its currency', async () => {
    const w = world({ 'sku-1': 10, 'sku-2': 10 });
    const items = [{ product_id: 'sku-1', quantity: 2 }, { product_id: 'sku-2', quantity: 1 }];
    await processOrder(delivery(orderBody({ items })), w.deps, settings);
    const again = await processOrder(delivery(orderBody({ items: [...items].reverse(), currency: 'eur' }), 2), w.deps, settings);
    expect(again.outcome).to.equal('duplicate');
  });

  it('tells a reused id apart on a record written before fingerprints, from the recorded order itself', async () => {
    const w = world({ 'sku-1': 10 });
    await processOrder(delivery(orderBody()), w.deps, settings);
    delete w.ledger.orders.get('ord-1')!.fingerprint;
    expect((await processOrder(delivery(orderBody(), 2), w.deps, settings)).outcome).to.equal('duplicate');
    const err = await rejection(processOrder(delivery(orderBody({ total_amount: 5 }), 3), w.deps, settings));
    expect(reasonOf(err)).to.equal('order_id ord-1 already used for a different order');
  });
});
