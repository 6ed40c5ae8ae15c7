/**
 * An existing `.data/` is upgraded in place on the next start (adapters/local/database.ts). The
 * outbox migration (issue 20) must leave orders recorded before it as the sweeper and the
 * fingerprint check expect: entries still unsent become pending since their order was placed
 * (so the sweeper relays them), sent ones stay out of the pending index, and an order without a
 * stored fingerprint is still recognised when it is delivered again.
 */
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localQueues } from '../../../adapters/local/environment';
import { migrations } from '../../../adapters/local/database';
import { OutboxSweepTimer } from '../../../adapters/local/outbox-sweep';
import { databaseFile, wireLocal, type LocalPorts } from '../../../adapters/local/wiring';
import { isReusedId, orderFingerprint, recordedFingerprint } from '../../../handlers/orders/fingerprint';
import { outboxIfPlaced } from '../../../handlers/orders/outbox';
import { silentLogger } from '../../../handlers/ports/logger';
import type { Order } from '../../../handlers/ports/order-ledger';

function order(id: string): Order {
  return { order_id: id, user_id: 'u1', items: [{ product_id: 'p1', quantity: 1 }], total_amount: 100, currency: 'EUR' };
}

/** A data directory as the first schema wrote it: user_version 1, no pending index, no fingerprints. */
function versionOneDatabase(dataDir: string, minutesAgo: number): void {
  const db = new Database(databaseFile(dataDir));
  db.exec(migrations[0]);
  db.pragma('user_version = 1');
  const placedAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const insertOrder = db.prepare('INSERT INTO orders (order_id, body, status, placed_at, short_lines) VALUES (?, ?, ?, ?, NULL)');
  const insertEntry = db.prepare('INSERT INTO outbox (order_id, entry_id, seq, channel, body, attributes, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  // stranded: placed, its payment request never sent, its event sent
  // relayed: placed and every entry sent
  for (const [id, sent] of [['stranded', ['order-created']], ['relayed', ['payment-request', 'order-created']]] as const) {
    const o = order(id);
    insertOrder.run(id, JSON.stringify(o), 'PLACED', placedAt);
    outboxIfPlaced(o, placedAt).forEach((e, seq) =>
      insertEntry.run(id, e.entry_id, seq, e.channel, JSON.stringify(e.body), JSON.stringify(e.attributes), (sent as readonly string[]).includes(e.entry_id) ? placedAt : null),
    );
  }
  db.prepare('INSERT INTO stock (product_id, quantity) VALUES (?, ?)').run('p1', 10);
  db.close();
}

describe('local database upgrade: the outbox migration', function () {
  this.timeout(30_000);
  let dataDir: string;
  let ports: LocalPorts | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-migration-'));
    versionOneDatabase(dataDir, 10);
  });
  afterEach(() => {
    ports?.close();
    ports = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('moves the schema to the latest version, once, keeping every order', async () => {
    ports = wireLocal({ dataDir, env: {} }, silentLogger);
    expect(ports.db.pragma('user_version', { simple: true })).to.equal(migrations.length);
    ports.close();
    ports = wireLocal({ dataDir, env: {} }, silentLogger); // a second start applies nothing again
    expect(ports.db.pragma('user_version', { simple: true })).to.equal(migrations.length);
    expect((await ports.ledger.getOrder('stranded'))?.status).to.equal('PLACED');
    expect((await ports.ledger.getOrder('relayed'))?.status).to.equal('PLACED');
  });

  it('puts an order stranded before the upgrade into the pending index, since its placing, and leaves sent entries out', async () => {
    ports = wireLocal({ dataDir, env: {} }, silentLogger);
    const page = await ports.ledger.pendingOrders({ before: new Date().toISOString(), limit: 10 });
    expect(page.orders.map((o) => o.order_id)).to.deep.equal(['stranded']);
    expect(page.orders[0].pending_since).to.equal((await ports.ledger.getOrder('stranded'))?.placed_at);
    expect((await ports.ledger.pendingOutbox('stranded')).map((e) => e.entry_id)).to.deep.equal(['payment-request']);
    // younger than its placing: not pending yet for a sweep that only takes older entries
    const older = await ports.ledger.pendingOrders({ before: new Date(Date.now() - 60 * 60_000).toISOString(), limit: 10 });
    expect(older.orders).to.deep.equal([]);
  });

  it('lets the sweeper relay the stranded order\'s payment request once', async () => {
    ports = wireLocal({ dataDir, env: {} }, silentLogger);
    const timer = new OutboxSweepTimer(ports, 20);
    timer.start();
    const deadline = Date.now() + 20_000;
    while ((await ports.ledger.pendingOutbox('stranded')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await timer.stop();
    expect(await ports.ledger.pendingOutbox('stranded')).to.deep.equal([]);
    const payments = ports.queue(localQueues.payments).peek().map((m) => JSON.parse(m.body).order_id);
    expect(payments).to.deep.equal(['stranded']);
  });

  it('recognises a redelivery of an order recorded without a fingerprint, and a reuse of its id', async () => {
    ports = wireLocal({ dataDir, env: {} }, silentLogger);
    expect((await ports.ledger.getOrder('relayed'))?.fingerprint).to.equal(undefined);
    expect(await recordedFingerprint(ports.ledger, 'relayed')).to.equal(orderFingerprint(order('relayed')));
    expect(await isReusedId(ports.ledger, order('relayed'))).to.equal(false);
    expect(await isReusedId(ports.ledger, { ...order('relayed'), total_amount: 999 })).to.equal(true);
  });
});
