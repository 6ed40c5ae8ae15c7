/**
 * Races, on every store: 64 concurrent orders for a product with stock 10 end as exactly 10
 * placed and 54 cancelled, stock 0 and never negative (write conflicts are retried, never
 * reported as a cancellation); concurrent If-Match PUTs of one user: one wins, the rest get 412.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createUsersApi } from '../../handlers/users';
import { systemClock } from '../../handlers/ports/clock';
import { randomIds } from '../../handlers/ports/ids';
import { silentLogger } from '../../handlers/ports/logger';
import { readSettings } from '../../handlers/settings';
import { usersSpec } from '../../handlers/specs';
import { deliverOrder, orderBody, pool, RecordingBus } from '../support/reliability-orders';
import { scale } from '../support/reliability-scale';
import { storesUnderTest, useStore } from '../support/reliability-stores';
import { tally } from '../support/reliability-tally';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

for (const store of storesUnderTest) {
  describe(`reliability: races on ${store.name}`, function () {
    this.timeout(Number(process.env.RELIABILITY_TIMEOUT_MS) || 120_000);
    const open = useStore(store);

    it(`places exactly ${scale.raceStock} of ${scale.raceOrders} concurrent orders (all in flight) for stock ${scale.raceStock}`, async () => {
      const { ledger } = open();
      const product = `race-${randomUUID().slice(0, 8)}`;
      await ledger.setStock(product, scale.raceStock);
      const bus = new RecordingBus();
      let lowest: number = scale.raceStock;
      let watching = true;
      // a reader alongside the writers: stock must never be seen below zero
      const watcher = (async () => {
        while (watching) {
          lowest = Math.min(lowest, (await ledger.getStock(product)) ?? 0);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const deliveries = await pool(
        Array.from({ length: scale.raceOrders }, (_, i) => () =>
          deliverOrder(JSON.stringify(orderBody(`${product}-o${i}`, [{ product_id: product, quantity: 1 }])), { ledger, bus }, `m${i}`, 20),
        ),
        scale.raceOrders,
      );
      watching = false;
      await watcher;

      expect(deliveries.filter((d) => d.deadLetter).map((d) => d.deadLetter)).to.deep.equal([]);
      const placed = deliveries.filter((d) => d.result?.outcome === 'placed');
      const cancelled = deliveries.filter((d) => d.result?.outcome === 'insufficient');
      expect(placed.length, 'placed').to.equal(scale.raceStock);
      expect(cancelled.length, 'cancelled').to.equal(scale.raceOrders - scale.raceStock);
      expect(await ledger.getStock(product)).to.equal(0);
      expect(lowest, 'lowest stock seen').to.be.at.least(0);
      // what the ledger recorded agrees with the answers, and a cancellation was never a conflict:
      // every cancelled order's short line saw the stock already gone
      for (const d of cancelled) {
        const record = await ledger.getOrder(d.order_id!);
        expect(record?.status).to.equal('CANCELLED_INSUFFICIENT_INVENTORY');
        expect(d.result?.short_lines).to.deep.equal([{ product_id: product, requested: 1, available: 0 }]);
      }
      expect(new Set(bus.payments.map((p) => p.order_id))).to.deep.equal(new Set(placed.map((d) => d.order_id)));
      const redeliveries = deliveries.reduce((n, d) => n + d.attempts - 1, 0);
      tally(`races: redeliveries after conflicts ran out of retries (${store.name})`, redeliveries);
      tally('messages processed', deliveries.length + redeliveries);
    });

    it(`lets one of ${scale.racePuts} concurrent If-Match PUTs win and answers 412 to the rest`, async () => {
      const api = createUsersApi(
        { users: open().users, clock: systemClock, ids: randomIds, logger: silentLogger },
        readSettings(usersSpec, {}),
      );
      const id = `race-${randomUUID().slice(0, 8)}`;
      const before = await createViaPost(api, id);
      const etag = before.headers.etag;
      expect(etag, 'etag of the created user').to.be.a('string');
      const answers = await Promise.all(
        Array.from({ length: scale.racePuts }, (_, i) =>
          api({
            method: 'PUT',
            path: `/users/${before.userId}`,
            query: {},
            headers: { 'content-type': 'application/json', 'if-match': etag },
            body: json({ name: `writer ${i}`, email: `${id}@example.com` }),
          }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 200).length, statuses.join(',')).to.equal(1);
      expect(statuses.filter((s) => s === 412).length, statuses.join(',')).to.equal(scale.racePuts - 1);
      for (const a of answers.filter((x) => x.status === 412)) expect(a.headers['content-type']).to.match(/^application\/problem\+json/);
      const winner = JSON.parse(answers.find((a) => a.status === 200)!.body!) as { name: string; version: number };
      const stored = await open().users.get(before.userId);
      expect(stored?.name).to.equal(winner.name);
      expect(stored?.version).to.equal(2);
      tally('races: concurrent If-Match PUTs', scale.racePuts);
    });
  });
}

/** Creates a user with POST (PUT never creates: no upsert) and returns the answer with its id. */
async function createViaPost(api: ReturnType<typeof createUsersApi>, id: string) {
  const res = await api({
    method: 'POST',
    path: '/users',
    query: {},
    headers: { 'content-type': 'application/json' },
    body: json({ name: 'first', email: `${id}@example.com` }),
  });
  expect(res.status, res.body).to.equal(201);
  return { ...res, userId: (JSON.parse(res.body!) as { user_id: string }).user_id };
}
