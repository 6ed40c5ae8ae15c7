/**
 * The OrderLedger contract: every implementation (memory, SQLite, DynamoDB, Tables, Firestore)
 * runs it. The harness may share one store between tests: every test uses ids of its own.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Inventory } from '../../handlers/ports/inventory';
import { orderFingerprint } from '../../handlers/orders/fingerprint';
import type { Order, OrderLedger, OutboxEntry, PendingOrder, PlaceOrderRequest } from '../../handlers/ports/order-ledger';

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
export function request(
  items: { product_id: string; quantity: number }[],
  orderId = `o-${uid()}`,
  at = '2026-01-01T00:00:00.000Z',
): PlaceOrderRequest {
  const order: Order = { order_id: orderId, user_id: 'u1', items, total_amount: 1000, currency: 'EUR' };
  return {
    order,
    at,
    outboxIfPlaced: outbox(orderId, 'placed'),
    outboxIfCancelled: outbox(orderId, 'cancelled'),
    fingerprint: orderFingerprint(order),
  };
}

/** Every page of `pendingOrders` before `before`, `limit` at a time, checking each page's bound. */
export async function allPendingOrders(ledger: OrderLedger, before: string, limit: number): Promise<{ rows: PendingOrder[]; pages: number }> {
  const rows: PendingOrder[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await ledger.pendingOrders({ before, limit, cursor });
    expect(page.orders.length).to.be.at.most(limit);
    rows.push(...page.orders);
    cursor = page.cursor;
    pages++;
    if (pages > 10_000) throw new Error('pendingOrders never ends');
  } while (cursor);
  return { rows, pages };
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
      expect(record!.fingerprint).to.equal(req.fingerprint);
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
      expect(await ledger.placeOrder(req)).to.deep.equal({ outcome: 'duplicate', status: 'PLACED', fingerprint: req.fingerprint });
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

    it('answers a duplicate with the recorded fingerprint, so another order under the same id can be told apart', async () => {
      const p = `p-${uid()}`;
      await inventory.setStock(p, 10);
      const first = request([{ product_id: p, quantity: 1 }]);
      await ledger.placeOrder(first);
      const other = request([{ product_id: p, quantity: 2 }], first.order.order_id);
      expect(other.fingerprint).to.not.equal(first.fingerprint);
      expect(await ledger.placeOrder(other)).to.deep.equal({ outcome: 'duplicate', status: 'PLACED', fingerprint: first.fingerprint });
      expect(await inventory.getStock(p)).to.equal(9);
    });

    describe('claims on outbox entries', () => {
      const at = '2026-01-01T00:00:00.000Z';
      const until = '2026-01-01T00:01:00.000Z';
      async function placed(): Promise<string> {
        const p = `p-${uid()}`;
        await inventory.setStock(p, 1);
        const req = request([{ product_id: p, quantity: 1 }]);
        await ledger.placeOrder(req);
        return req.order.order_id;
      }

      it('lets exactly one of several concurrent claims of one entry win', async () => {
        const orderId = await placed();
        const owners = Array.from({ length: 8 }, () => `relay-${uid()}`);
        const won = await Promise.all(owners.map((owner) => ledger.claimEntry(orderId, 'payment-request', { owner, at, until })));
        expect(won.filter(Boolean)).to.have.length(1);
        // the other entry is free to be claimed by anyone
        expect(await ledger.claimEntry(orderId, 'order-created', { owner: owners[0], at, until })).to.equal(true);
      });

      it('keeps a running lease from others, renews it for its owner, and lets anyone take it once it expires', async () => {
        const orderId = await placed();
        expect(await ledger.claimEntry(orderId, 'payment-request', { owner: 'a', at, until })).to.equal(true);
        expect(await ledger.claimEntry(orderId, 'payment-request', { owner: 'b', at: '2026-01-01T00:00:30.000Z', until: '2026-01-01T00:01:30.000Z' })).to.equal(false);
        expect(await ledger.claimEntry(orderId, 'payment-request', { owner: 'a', at, until })).to.equal(true);
        // a relay that died mid-way: its lease ends and the next relay takes the entry
        expect(await ledger.claimEntry(orderId, 'payment-request', { owner: 'b', at: until, until: '2026-01-01T00:02:00.000Z' })).to.equal(true);
        expect(await ledger.claimEntry(orderId, 'payment-request', { owner: 'a', at: until, until: '2026-01-01T00:02:00.000Z' })).to.equal(false);
      });

      it('releases a lease for its owner only', async () => {
        const orderId = await placed();
        expect(await ledger.claimEntry(orderId, 'payment-request', { owner: 'a', at, until })).to.equal(true);
        await ledger.releaseEntry(orderId, 'payment-request', 'b');
        expect(await ledger.claimEntry(orderId, 'payment-request', { owner: 'b', at, until })).to.equal(false);
        await ledger.releaseEntry(orderId, 'payment-request', 'a');
        expect(await ledger.claimEntry(orderId, 'payment-request', { owner: 'b', at, until })).to.equal(true);
      });

      it('refuses a claim on a sent entry or an unknown one', async () => {
        const orderId = await placed();
        await ledger.markSent(orderId, 'payment-request');
        expect(await ledger.claimEntry(orderId, 'payment-request', { owner: 'a', at, until })).to.equal(false);
        expect(await ledger.claimEntry(orderId, 'no-such-entry', { owner: 'a', at, until })).to.equal(false);
        expect(await ledger.claimEntry(`o-${uid()}`, 'payment-request', { owner: 'a', at, until })).to.equal(false);
      });
    });

    it('lists orders with entries pending since before a time, oldest first, a bounded page at a time', async () => {
      // a year of its own, far in the past, so that other tests' orders in a shared store are later
      const year = 1900 + Math.floor(Math.random() * 60);
      const at = (minute: number) => new Date(Date.UTC(year, 0, 1, 0, minute)).toISOString();
      const p = `p-${uid()}`;
      await inventory.setStock(p, 100);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const req = request([{ product_id: p, quantity: 1 }], `o-${uid()}`, at(i));
        await ledger.placeOrder(req);
        ids.push(req.order.order_id);
      }
      await ledger.markSent(ids[2], 'payment-request');
      await ledger.markSent(ids[2], 'order-created'); // nothing pending: leaves the index
      await ledger.markSent(ids[3], 'payment-request'); // one entry still pending
      // ids[5] is pending since minute 5: not before minute 5
      const before = at(5);
      for (const limit of [1, 2, 50]) {
        const { rows, pages } = await allPendingOrders(ledger, before, limit);
        const mine = rows.filter((r) => ids.includes(r.order_id));
        const firstSeen = [...new Set(mine.map((r) => r.order_id))];
        expect(firstSeen, `limit ${limit}`).to.deep.equal([ids[0], ids[1], ids[3], ids[4]]);
        for (const r of mine) expect(r.pending_since).to.equal(at(ids.indexOf(r.order_id)));
        if (limit === 1) expect(pages).to.be.at.least(4);
      }
    });
  });
}
