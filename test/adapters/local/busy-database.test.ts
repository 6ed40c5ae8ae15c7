/**
 * Another process holding SQLite's write lock (issue 19, defect 1): the real server in a child
 * process, while this test process (a second connection, as the `sqlite3` shell would be) holds
 * `BEGIN IMMEDIATE` on its `local.sqlite`. Before the fix the worker's poll timer threw
 * `SqliteError: database is locked` out of a timer and the server exited.
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseFile } from '../../../adapters/local/wiring';
import { eventually, getJson, startLocalServer, type LocalServer } from './local-server';

/** Takes the write lock from another connection, as `BEGIN IMMEDIATE` in the sqlite3 shell would; returns its release. */
function takeWriteLock(file: string): () => void {
  const db = new Database(file);
  db.exec('BEGIN IMMEDIATE');
  return () => {
    db.exec('ROLLBACK');
    db.close();
  };
}

async function holdWriteLock(file: string, ms: number): Promise<void> {
  const release = takeWriteLock(file);
  await sleep(ms);
  release();
}

describe('local server: another process holds the database write lock', function () {
  this.timeout(120_000);
  let dataDir: string;
  let server: LocalServer;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-busy-'));
    server = await startLocalServer(dataDir);
  });
  afterEach(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps running through a long lock, answers writes that cannot wait 503 problem+json with Retry-After, and loses nothing', async () => {
    const release = takeWriteLock(databaseFile(dataDir));
    await sleep(200); // the worker's polls run into the lock
    // held until both have answered: each waits its 2 s for the lock, then gives up
    const [during, user] = await Promise.all([fetch(`${server.base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order_id: 'busy-1', user_id: 'u1', items: [{ product_id: 'p1', quantity: 1 }], total_amount: 1, currency: 'EUR' }),
    }),
    fetch(`${server.base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Lock', email: 'lock@example.com' }) }),
    ]);
    for (const answer of [during, user]) {
      expect(answer.status, await answer.clone().text()).to.equal(503);
      expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(Number(answer.headers.get('retry-after'))).to.be.at.least(1);
    }
    release();
    await sleep(300); // several poll intervals with the lock gone
    expect(server.child.exitCode, server.output()).to.equal(null);
    expect(server.child.signalCode, server.output()).to.equal(null);

    // after the lock: the same order goes through and is placed (cancelled for want of stock, but placed)
    const after = await fetch(`${server.base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order_id: 'busy-1', user_id: 'u1', items: [{ product_id: 'p1', quantity: 1 }], total_amount: 1, currency: 'EUR' }),
    });
    expect(after.status).to.equal(202);
    const placed = await eventually(async () => {
      const { status, body } = await getJson<{ status: string }>(`${server.base}/orders/busy-1`);
      return status === 200 && body.status !== 'QUEUED' ? body.status : undefined;
    }, 'the order to be placed');
    expect(placed).to.equal('CANCELLED_INSUFFICIENT_INVENTORY');
  });

  it('lets a short lock pass unnoticed: the request waits for it instead of failing', async () => {
    const lock = holdWriteLock(databaseFile(dataDir), 400);
    await sleep(50);
    const answer = await fetch(`${server.base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Short', email: 'short@example.com' }) });
    expect(answer.status, await answer.clone().text()).to.equal(201);
    await lock;
    expect(server.child.exitCode, server.output()).to.equal(null);
  });
});
