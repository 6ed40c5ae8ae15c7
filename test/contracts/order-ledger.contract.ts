/**
 * The OrderLedger contract: every implementation (memory, SQLite, DynamoDB, Tables, Firestore)
 * runs it. The harness may share one store between tests: every test uses ids of its own.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Inventory } from '../../handlers/ports/inventory';
import type { Order, OrderLedger, OutboxEntry, PlaceOrderRequest } from '../../handlers/ports/order-ledger';

export interface OrderLedgerHarness {
  ledger: OrderLedger;
  inventory: Inventory;
}

export interface OrderLedgerContractOptions {
  /** Concurrent orders in the race test (stock is a quarter of it). */
  raceOrders?: number;
}

const uid = () => randomUUID().slice(0, 12);

function outbox(orderId: string, kind: 'placed' | 'cancelled'): OutboxEntry[] {
  const event: OutboxEntry = {
    entry_id: kind === 'placed' ? 'order-created' : 'order-cancelled',
    channel: 'events',
    body: { order_id: orderId, event_type: kind === 'placed' ? 'ORDER_CREATED' : 'ORDER_CANCELLED' },
    attributes: { event_type: kind === 'placed' ? 'ORDER_CREATED' : 'ORDER_CANCELLED', order_id: orderId },
  };
  if (kind === 'cancelled') return [event];
  return [
    {
      entry_id: 'payment-request',
      channel: 'payments',
      body: { order_id: orderId, amount: 1000, currency: 'EUR', user_id: 'u1' },
      attributes: { order_id: orderId },
    },
    event,
  ];
}

/** A request with both outboxes (placed: `payment-request`, `order-created`); also for store-specific tests. */
export function request(items: { product_id: string; quantity: number }[], orderId = `o-${uid()}`): PlaceOrderRequest {
  const order: Order = { order_id: orderId, user_id: 'u1', items, total_amount: 1000, currency: 'EUR' };
  return {
    order,
    at: '2026-01-01T00:00:00.000Z',
    outboxIfPlaced: outbox(orderId, 'placed'),
    outboxIfCancelled: outbox(orderId, 'cancelled'),
  };
}

export function describeOrderLedgerContract(
  name: string,
  makeHarness: () => Promise<OrderLedgerHarness>,
  options: OrderLedgerContractOptions = {},
) {
  describe(`OrderLedger contract: ${name}`, function () {
    this.timeout(60_000);
    let ledger: OrderLedger;
    let inventory: Inventory;

    before(async () => {
      ({ ledger, inventory } = await makeHarness());
    });

    it('sets and reads stock; an unknown product has none', async () => {
      const p = `p-${uid()}`;
      expect(await inventory.getStock(p)).to.equal(undefined);
      await inventory.setStock(p, 7);
      expect(await inventory.getStock(p)).to.equal(7);
    });

    it('places an order: every line decremented, the order and its outbox written', async () => {
      const a = `p-${uid()}`;
      const b = `p-${uid()}`;
      await inventory.setStock(a, 5);
      await inventory.setStock(b, 2);
      const req = request([{ product_id: a, quantity: 3 }, { product_id: b, quantity: 2 }]);
      expect(await ledger.placeOrder(req)).to.deep.equal({ outcome: 'placed' });
      expect(await inventory.getStock(a)).to.equal(2);
      expect(await inventory.getStock(b)).to.equal(0);
      const record = await ledger.getOrder(req.order.order_id);
      expect(record!.status).to.equal('PLACED');
      expect(record!.order).to.deep.equal(req.order);
      expect(await ledger.pendingOutbox(req.order.order_id)).to.deep.equal(req.outboxIfPlaced);
    });

    it('cancels an order with a short line, leaving every line\'s stock untouched', async () => {
      const a = `p-${uid()}`;
      const b = `p-${uid()}`;
      const unknown = `p-${uid()}`;
      await inventory.setStock(a, 5);
      await inventory.setStock(b, 1);
      const req = request([
        { product_id: a, quantity: 2 },
        { product_id: b, quantity: 3 },
        { product_id: unknown, quantity: 1 },
      ]);
      const result = await ledger.placeOrder(req);
      expect(result.outcome).to.equal('insufficient');
      if (result.outcome !== 'insufficient') return;
      const short = [...result.short].sort((x, y) => x.product_id.localeCompare(y.product_id));
      const expected = [
        { product_id: b, requested: 3, available: 1 },
        { product_id: unknown, requested: 1, available: 0 },
      ].sort((x, y) => x.product_id.localeCompare(y.product_id));
      expect(short).to.deep.equal(expected);
      expect(await inventory.getStock(a)).to.equal(5);
      expect(await inventory.getStock(b)).to.equal(1);
      const record = await ledger.getOrder(req.order.order_id);
      expect(record!.status).to.equal('CANCELLED_INSUFFICIENT_INVENTORY');
      expect(await ledger.pendingOutbox(req.order.order_id)).to.deep.equal(req.outboxIfCancelled);
    });

    it('answers duplicate for an order id already recorded, changing nothing', async () => {
      const p = `p-${uid()}`;
      await inventory.setStock(p, 10);
      const req = request([{ product_id: p, quantity: 4 }]);
      await ledger.placeOrder(req);
      expect(await ledger.placeOrder(req)).to.deep.equal({ outcome: 'duplicate', status: 'PLACED' });
      expect(await inventory.getStock(p)).to.equal(6);
      expect(await ledger.pendingOutbox(req.order.order_id)).to.have.length(2);
    });

    it('places one order of 25 distinct products in one step', async () => {
      const products = Array.from({ length: 25 }, () => `p-${uid()}`);
      for (const p of products) await inventory.setStock(p, 1);
      const req = request(products.map((product_id) => ({ product_id, quantity: 1 })));
      expect((await ledger.placeOrder(req)).outcome).to.equal('placed');
      for (const p of products) expect(await inventory.getStock(p)).to.equal(0);
    });

    it('marks outbox entries sent, idempotently, and ignores unknown ones', async () => {
      const p = `p-${uid()}`;
      await inventory.setStock(p, 1);
      const req = request([{ product_id: p, quantity: 1 }]);
      await ledger.placeOrder(req);
      await ledger.markSent(req.order.order_id, 'payment-request');
      await ledger.markSent(req.order.order_id, 'payment-request');
      await ledger.markSent(req.order.order_id, 'no-such-entry');
      const pending = await ledger.pendingOutbox(req.order.order_id);
      expect(pending.map((e) => e.entry_id)).to.deep.equal(['order-created']);
      expect(await ledger.pendingOutbox(`o-${uid()}`)).to.deep.equal([]);
      expect(await ledger.getOrder(`o-${uid()}`)).to.equal(undefined);
    });

    it('never oversells under concurrent orders for one product, and never reports a conflict as short', async () => {
      const n = options.raceOrders ?? 20;
      const stock = Math.floor(n / 4);
      const p = `p-${uid()}`;
      await inventory.setStock(p, stock);
      const results = await Promise.all(
        Array.from({ length: n }, () => ledger.placeOrder(request([{ product_id: p, quantity: 1 }]))),
      );
      const placed = results.filter((r) => r.outcome === 'placed').length;
      const cancelled = results.filter((r) => r.outcome === 'insufficient');
      expect(placed).to.equal(stock);
      expect(cancelled).to.have.length(n - stock);
      for (const c of cancelled) {
        // a cancellation must be a real shortage, seen after the stock ran out
        if (c.outcome === 'insufficient') expect(c.short[0].available).to.equal(0);
      }
      expect(await inventory.getStock(p)).to.equal(0);
    });

    it('places an order delivered several times at once exactly once', async () => {
      const p = `p-${uid()}`;
      await inventory.setStock(p, 100);
      const req = request([{ product_id: p, quantity: 3 }]);
      const results = await Promise.all(Array.from({ length: 6 }, () => ledger.placeOrder(req)));
      expect(results.filter((r) => r.outcome === 'placed')).to.have.length(1);
      expect(results.filter((r) => r.outcome === 'duplicate')).to.have.length(5);
      expect(await inventory.getStock(p)).to.equal(97);
    });
  });
}
