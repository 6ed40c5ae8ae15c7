/**
 * Orders dead letters say what state the order is in: not recorded, or recorded with its status
 * and the outbox entries still pending; UNKNOWN (with the reason) when the ledger cannot be read.
 */
import { expect } from 'chai';
import { ordersDeadLetter } from '../../../handlers/orders/dead-letter';
import { processOrder } from '../../../handlers/orders';
import { MemoryOrderLedger } from '../../support/memory';
import { NOW, delivery, flakyBus, orderBody, settings, world } from './harness';

describe('orders: the state a dead letter carries', () => {
  it('a PLACED order whose relay failed: its status and both pending entries', async () => {
    const w = world({ 'sku-1': 5 }, (bus) => flakyBus(bus, 'send', 99));
    await processOrder(delivery(orderBody()), w.deps, settings).catch(() => undefined);
    const letter = await ordersDeadLetter(w.ledger, JSON.stringify(orderBody()), 'ECONNREFUSED payments queue', 5, NOW);
    expect(letter).to.deep.include({ function: 'orders', reason: 'ECONNREFUSED payments queue', attempts: 5, failed_at: NOW.toISOString() });
    expect(letter.order).to.deep.equal({ order_id: 'ord-1', status: 'PLACED', pending_entries: ['payment-request', 'order-created'] });
  });

  it('an order never recorded: NOT_RECORDED; a body without an order id: no state', async () => {
    const ledger = new MemoryOrderLedger();
    expect((await ordersDeadLetter(ledger, JSON.stringify(orderBody({ order_id: 'nope' })), 'r', 1, NOW)).order).to.deep.equal({ order_id: 'nope', status: 'NOT_RECORDED', pending_entries: [] });
    expect((await ordersDeadLetter(ledger, 'not json', 'r', 1, NOW)).order).to.equal(undefined);
    expect((await ordersDeadLetter(ledger, '{"order_id": 7}', 'r', 1, NOW)).order).to.equal(undefined);
  });

  it('a ledger that cannot be read: UNKNOWN with its reason, and the letter is still made', async () => {
    const down = { getOrder: async () => Promise.reject(new Error('ledger unreachable')), pendingOutbox: async () => [] };
    const letter = await ordersDeadLetter(down, JSON.stringify(orderBody()), 'r', 5, NOW);
    expect(letter.order).to.deep.equal({ order_id: 'ord-1', status: 'UNKNOWN', pending_entries: [], error: 'ledger unreachable' });
    expect(letter.message).to.equal(JSON.stringify(orderBody()));
  });
});
