import { expect } from 'chai';
import { TransientError, isPermanent, PermanentError } from '../../../handlers/errors';
import { onFailure } from '../../../handlers/delivery';
import { processOrder } from '../../../handlers/orders';
import type { OrderLedger } from '../../../handlers/ports/order-ledger';
import { MemoryOrderLedger } from '../../support/memory';
import { delivery, flakyBus, orderBody, rejection, settings, world } from './harness';

describe('orders: failures and redelivery', () => {
  it('a payments send that fails leaves both entries pending; the redelivery relays exactly those', async () => {
    const w = world({ 'sku-1': 10 }, (bus) => flakyBus(bus, 'send'));

    const err = await rejection(processOrder(delivery(orderBody()), w.deps, settings));
    expect(err).to.be.instanceOf(TransientError);
    expect(onFailure(err).action).to.equal('retry');
    expect(w.ledger.stock.get('sku-1')).to.equal(8);
    expect((await w.ledger.pendingOutbox('ord-1')).map((e) => e.entry_id)).to.deep.equal(['payment-request', 'order-created']);
    expect(w.bus.sent.length + w.bus.published.length).to.equal(0);

    const again = await processOrder(delivery(orderBody(), 2), w.deps, settings);
    expect(again).to.deep.equal({ order_id: 'ord-1', outcome: 'duplicate', status: 'PLACED', relayed: 2 });
    expect(w.ledger.stock.get('sku-1')).to.equal(8);
    expect(w.bus.sent.map((m) => m.message.order_id)).to.deep.equal(['ord-1']);
    expect(w.bus.published.map((m) => m.event.event_type)).to.deep.equal(['ORDER_CREATED']);
    expect(await w.ledger.pendingOutbox('ord-1')).to.deep.equal([]);
  });

  it('an event publish that fails after the payment went out: the redelivery sends the event only', async () => {
    const w = world({ 'sku-1': 10 }, (bus) => flakyBus(bus, 'publish'));

    await rejection(processOrder(delivery(orderBody()), w.deps, settings));
    expect(w.bus.sent).to.have.length(1);
    expect((await w.ledger.pendingOutbox('ord-1')).map((e) => e.entry_id)).to.deep.equal(['order-created']);

    const again = await processOrder(delivery(orderBody(), 2), w.deps, settings);
    expect(again.relayed).to.equal(1);
    expect(w.bus.sent).to.have.length(1);
    expect(w.bus.published).to.have.length(1);
    expect(w.bus.published[0].event).to.include({ order_id: 'ord-1', event_type: 'ORDER_CREATED' });
  });

  it('a cancelled order whose event failed: the redelivery publishes ORDER_CANCELLED with its short lines', async () => {
    const w = world({ 'sku-1': 1 }, (bus) => flakyBus(bus, 'publish'));
    const body = orderBody({ items: [{ product_id: 'sku-1', quantity: 3 }] });

    await rejection(processOrder(delivery(body), w.deps, settings));
    const again = await processOrder(delivery(body, 2), w.deps, settings);

    expect(again).to.deep.equal({ order_id: 'ord-1', outcome: 'duplicate', status: 'CANCELLED_INSUFFICIENT_INVENTORY', relayed: 1 });
    expect(w.bus.sent).to.have.length(0);
    expect(w.bus.published).to.have.length(1);
    expect(w.bus.published[0].event).to.deep.include({
      event_type: 'ORDER_CANCELLED',
      reason: 'INSUFFICIENT_INVENTORY',
      short_lines: [{ product_id: 'sku-1', requested: 3, available: 1 }],
    });
    expect(w.ledger.stock.get('sku-1')).to.equal(1);
  });

  it('a crash between send and mark sends that entry again: at least once, same order_id, nothing else repeated', async () => {
    const w = world({ 'sku-1': 10 });
    const ledger = w.ledger;
    let failMarks = 1;
    const markFailsOnce: OrderLedger = {
      placeOrder: (r) => ledger.placeOrder(r),
      getOrder: (id) => ledger.getOrder(id),
      pendingOutbox: (id) => ledger.pendingOutbox(id),
      markSent: async (id, entry) => {
        if (failMarks-- > 0) throw new Error('ledger write timed out');
        return ledger.markSent(id, entry);
      },
      claimEntry: (id, entry, claim) => ledger.claimEntry(id, entry, claim),
      releaseEntry: (id, entry, owner) => ledger.releaseEntry(id, entry, owner),
      pendingOrders: (query) => ledger.pendingOrders(query),
    };
    const deps = { ...w.deps, ledger: markFailsOnce };

    await rejection(processOrder(delivery(orderBody()), deps, settings));
    await processOrder(delivery(orderBody(), 2), deps, settings);

    expect(w.bus.sent.map((m) => m.options.dedupKey)).to.deep.equal(['ord-1', 'ord-1']);
    expect(w.bus.published).to.have.length(1);
    expect(await ledger.pendingOutbox('ord-1')).to.deep.equal([]);
  });

  it('a failing ledger gives an error that is not permanent, and sends nothing', async () => {
    const w = world({ 'sku-1': 10 });
    const broken = Object.create(w.ledger) as MemoryOrderLedger;
    broken.placeOrder = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:8000');
    };
    const err = await rejection(processOrder(delivery(orderBody()), { ...w.deps, ledger: broken }, settings));

    expect(isPermanent(err)).to.equal(false);
    expect(err).to.be.instanceOf(TransientError);
    expect((err as TransientError).reason).to.match(/ord-1: .*ECONNREFUSED/);
    expect(w.bus.sent.length + w.bus.published.length).to.equal(0);
    expect(w.logs.map((l) => [l.level, l.outcome])).to.deep.equal([['error', 'failed']]);
  });

  it('a store that calls its own failure permanent still leaves the order for redelivery', async () => {
    const w = world({ 'sku-1': 10 });
    const broken = Object.create(w.ledger) as MemoryOrderLedger;
    broken.pendingOutbox = async () => {
      throw new PermanentError('item size has exceeded the maximum allowed size');
    };
    const err = await rejection(processOrder(delivery(orderBody()), { ...w.deps, ledger: broken }, settings));

    expect(isPermanent(err)).to.equal(false);
    expect(onFailure(err).action).to.equal('retry');
  });

  it('20 concurrent orders for a stock of 5: 5 placed, 15 cancelled, never oversold', async () => {
    const w = world({ 'sku-hot': 5 });
    const orders = Array.from({ length: 20 }, (_, i) =>
      orderBody({ order_id: `ord-${i}`, items: [{ product_id: 'sku-hot', quantity: 1 }] }),
    );
    const results = await Promise.all(orders.map((o) => processOrder(delivery(o), w.deps, settings)));

    expect(results.filter((r) => r.outcome === 'placed')).to.have.length(5);
    expect(results.filter((r) => r.outcome === 'insufficient')).to.have.length(15);
    expect(w.ledger.stock.get('sku-hot')).to.equal(0);
    expect(w.bus.sent).to.have.length(5);
    const types = w.bus.published.map((p) => p.event.event_type);
    expect(types.filter((t) => t === 'ORDER_CREATED')).to.have.length(5);
    expect(types.filter((t) => t === 'ORDER_CANCELLED')).to.have.length(15);
    const placedIds = results.filter((r) => r.outcome === 'placed').map((r) => r.order_id).sort();
    expect(w.bus.sent.map((m) => m.message.order_id).sort()).to.deep.equal(placedIds);
  });
});
