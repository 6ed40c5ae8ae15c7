import { expect } from 'chai';
import { PermanentError } from '../../../handlers/errors';
import { processOrder } from '../../../handlers/orders';
import { delivery, NOW, orderBody, rejection, settings, world } from './harness';

describe('orders: processOrder', () => {
  it('places an order: stock decremented, payment request and ORDER_CREATED sent with order_id, outbox empty', async () => {
    const w = world({ 'sku-1': 10, 'sku-2': 3 });
    const items = [
      { product_id: 'sku-1', quantity: 2 },
      { product_id: 'sku-2', quantity: 1 },
      { product_id: 'sku-1', quantity: 1 },
    ];
    const result = await processOrder(delivery(orderBody({ items })), w.deps, settings);

    expect(result).to.deep.equal({ order_id: 'ord-1', outcome: 'placed', status: 'PLACED', relayed: 2 });
    expect(w.ledger.stock.get('sku-1')).to.equal(7);
    expect(w.ledger.stock.get('sku-2')).to.equal(2);
    expect(w.bus.sent).to.deep.equal([
      {
        queue: 'payments',
        message: { order_id: 'ord-1', user_id: 'user-1', amount: 2599, currency: 'EUR' },
        options: { dedupKey: 'ord-1', attributes: { order_id: 'ord-1' } },
      },
    ]);
    expect(w.bus.published).to.deep.equal([
      {
        topic: 'events',
        event: {
          order_id: 'ord-1',
          event_type: 'ORDER_CREATED',
          user_id: 'user-1',
          items: [
            { product_id: 'sku-1', quantity: 3 },
            { product_id: 'sku-2', quantity: 1 },
          ],
          total_amount: 2599,
          currency: 'EUR',
          occurred_at: NOW.toISOString(),
        },
        options: { attributes: { event_type: 'ORDER_CREATED', order_id: 'ord-1' } },
      },
    ]);
    expect(await w.ledger.pendingOutbox('ord-1')).to.deep.equal([]);
    expect((await w.ledger.getOrder('ord-1'))!.status).to.equal('PLACED');
  });

  it('cancels an order that is short: ORDER_CANCELLED with the reason and short lines, no payment, stock untouched', async () => {
    const w = world({ 'sku-1': 10, 'sku-2': 1 });
    const items = [
      { product_id: 'sku-1', quantity: 2 },
      { product_id: 'sku-2', quantity: 4 },
      { product_id: 'sku-9', quantity: 1 },
    ];
    const result = await processOrder(delivery(orderBody({ items, currency: 'eur' })), w.deps, settings);

    const short = [
      { product_id: 'sku-2', requested: 4, available: 1 },
      { product_id: 'sku-9', requested: 1, available: 0 },
    ];
    expect(result).to.deep.equal({
      order_id: 'ord-1',
      outcome: 'insufficient',
      status: 'CANCELLED_INSUFFICIENT_INVENTORY',
      short_lines: short,
      relayed: 1,
    });
    expect(w.ledger.stock.get('sku-1')).to.equal(10);
    expect(w.ledger.stock.get('sku-2')).to.equal(1);
    expect(w.ledger.stock.has('sku-9')).to.equal(false);
    expect(w.bus.sent).to.deep.equal([]);
    expect(w.bus.published).to.deep.equal([
      {
        topic: 'events',
        event: {
          order_id: 'ord-1',
          event_type: 'ORDER_CANCELLED',
          user_id: 'user-1',
          items,
          total_amount: 2599,
          currency: 'EUR',
          reason: 'INSUFFICIENT_INVENTORY',
          short_lines: short,
          occurred_at: NOW.toISOString(),
        },
        options: { attributes: { event_type: 'ORDER_CANCELLED', order_id: 'ord-1' } },
      },
    ]);
    expect(await w.ledger.pendingOutbox('ord-1')).to.deep.equal([]);
    expect((await w.ledger.getOrder('ord-1'))!.status).to.equal('CANCELLED_INSUFFICIENT_INVENTORY');
  });

  it('answers a redelivery of a finished order as duplicate, sending nothing and changing no stock', async () => {
    const w = world({ 'sku-1': 10 });
    await processOrder(delivery(orderBody()), w.deps, settings);
    const again = await processOrder(delivery(orderBody(), 2), w.deps, settings);

    expect(again).to.deep.equal({ order_id: 'ord-1', outcome: 'duplicate', status: 'PLACED', relayed: 0 });
    expect(w.ledger.stock.get('sku-1')).to.equal(8);
    expect(w.bus.sent).to.have.length(1);
    expect(w.bus.published).to.have.length(1);
  });

  it('lets a parse failure through as a PermanentError before touching the ledger or the bus', async () => {
    const w = world({ 'sku-1': 10 });
    const err = await rejection(processOrder(delivery(orderBody({ total_amount: -5 })), w.deps, settings));

    expect(err).to.be.instanceOf(PermanentError);
    expect((err as PermanentError).reason).to.match(/^total_amount: /);
    expect(w.ledger.orders.size).to.equal(0);
    expect(w.bus.sent.length + w.bus.published.length).to.equal(0);
  });

  it('logs one structured line per delivery with order_id, outcome, relayed, attempts and duration', async () => {
    const w = world({ 'sku-1': 10 });
    await processOrder(delivery(orderBody(), 3), w.deps, settings);

    expect(w.logs).to.have.length(1);
    const line = w.logs[0];
    expect(line).to.include({ level: 'info', function: 'orders', order_id: 'ord-1', outcome: 'placed', relayed: 2, attempts: 3 });
    expect(line.duration_ms).to.be.a('number').and.at.least(0);
    expect(line.message_id).to.match(/^msg-/);
  });

  it('logs a refused message once, with the reason, at warn', async () => {
    const w = world({});
    await rejection(processOrder(delivery('not json'), w.deps, settings));

    expect(w.logs).to.have.length(1);
    expect(w.logs[0]).to.include({ level: 'warn', outcome: 'refused' });
    expect(w.logs[0].reason).to.match(/^body: not valid JSON/);
  });
});
