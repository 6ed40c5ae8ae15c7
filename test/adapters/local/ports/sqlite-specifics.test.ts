/**
 * What the contract suites cannot see of the SQLite and file-system ports: a second connection
 * holding the write lock, the file names keys map to, and what a put leaves on disk.
 */
import { orderFingerprint } from '../../../../handlers/orders/fingerprint';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { fileNameOf } from '../../../../adapters/local/ports/blob-store';
import { SqliteOrderLedger } from '../../../../adapters/local/ports/order-ledger';
import { databaseFile, wireLocal } from '../../../../adapters/local/wiring';
import { silentLogger } from '../../../../handlers/ports/logger';
import { InvalidCursorError } from '../../../../handlers/ports/user-repository';
import { localHarness, type LocalHarness } from '../local-harness';

describe('local SQLite and file ports', () => {
  let h: LocalHarness;
  beforeEach(() => {
    h = localHarness();
  });
  afterEach(() => h.dispose());

  it('retries placeOrder while another connection holds the write lock, then places it', async () => {
    await h.ports.ledger.setStock('p-locked', 3);
    const other = new Database(databaseFile(h.dataDir));
    other.exec('BEGIN IMMEDIATE');
    const ledger = new SqliteOrderLedger(h.ports.db, { attempts: 50, baseDelayMs: 5, maxDelayMs: 20 });
    const order = { order_id: 'o-locked', user_id: 'u1', items: [{ product_id: 'p-locked', quantity: 2 }], total_amount: 1, currency: 'EUR' };
    const placing = ledger.placeOrder({ order, at: '2026-01-01T00:00:00.000Z', outboxIfPlaced: [], outboxIfCancelled: [], fingerprint: orderFingerprint(order) });
    let settled = false;
    void placing.finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 150));
    expect(settled, 'still waiting for the lock').to.equal(false);
    other.exec('COMMIT');
    other.close();
    expect(await placing).to.deep.equal({ outcome: 'placed' });
    expect(await h.ports.ledger.getStock('p-locked')).to.equal(1);
  });

  it('reports a lock that outlasts every retry as transient, never as insufficient stock', async () => {
    await h.ports.ledger.setStock('p-stuck', 3);
    const other = new Database(databaseFile(h.dataDir));
    other.exec('BEGIN IMMEDIATE');
    try {
      const ledger = new SqliteOrderLedger(h.ports.db, { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 });
      const order = { order_id: 'o-stuck', user_id: 'u1', items: [{ product_id: 'p-stuck', quantity: 1 }], total_amount: 1, currency: 'EUR' };
      let thrown: { kind?: string } | undefined;
      try {
        await ledger.placeOrder({ order, at: '2026-01-01T00:00:00.000Z', outboxIfPlaced: [], outboxIfCancelled: [], fingerprint: orderFingerprint(order) });
      } catch (err) {
        thrown = err as { kind?: string };
      }
      expect(thrown?.kind).to.equal('transient');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await h.ports.ledger.getOrder('o-stuck')).to.equal(undefined);
  });

  it('keeps every key inside its bucket folder, however it is spelled', () => {
    const bucketDir = resolve(h.dataDir, 'buckets', 'originals');
    for (const key of ['../../escape.jpg', '..', '.', '.hidden', 'a/../../b', '/abs/path.png', 'x'.repeat(600)]) {
      const path = h.ports.blobs.pathOf('originals', key);
      expect(dirname(path), key).to.equal(bucketDir);
      expect(fileNameOf(key).length, key).to.be.at.most(200);
      expect(fileNameOf(key), key).to.not.match(/^\.|\//);
    }
    expect(fileNameOf('a')).to.not.equal(fileNameOf('a/'));
    expect(() => h.ports.blobs.pathOf('../etc', 'k')).to.throw(/invalid bucket name/);
  });

  it('writes through a temporary file and leaves none behind; a reader sees the old or the new object whole', async () => {
    const { blobs } = h.ports;
    const first = randomBytes(2 * 1024 * 1024);
    const second = randomBytes(2 * 1024 * 1024);
    await blobs.put('originals', 'big.bin', first, { contentType: 'application/octet-stream', metadata: {} });
    const writing = blobs.put('originals', 'big.bin', second, { contentType: 'application/octet-stream', metadata: {} });
    const reads = await Promise.all(Array.from({ length: 10 }, () => blobs.get('originals', 'big.bin')));
    await writing;
    for (const got of reads) {
      const bytes = Buffer.from(got!.bytes);
      expect(bytes.equals(first) || bytes.equals(second), 'a whole version').to.equal(true);
    }
    expect(readdirSync(join(h.dataDir, 'buckets', 'originals'))).to.deep.equal([fileNameOf('big.bin')]);
  });

  it('refuses the forged cursor base64url("local-users-v1:") and others naming no possible id (issue 19, defect 6)', async () => {
    await h.ports.users.create({ user_id: 'u1', name: 'A', email: 'a@example.com', created_at: 't', updated_at: 't', version: 1 });
    const forged = ['local-users-v1:', 'local-users-v1:a/b', 'local-users-v1:x\u0000'].map((t) => Buffer.from(t).toString('base64url'));
    for (const cursor of forged) {
      const refusal = await h.ports.users.list({ limit: 2, cursor }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refusal, cursor).to.be.instanceOf(InvalidCursorError);
    }
  });

  it('removes at start the temporary files of writes a kill cut short, keeping objects (issue 19, defect 8)', () => {
    const folder = join(h.dataDir, 'buckets', 'originals');
    mkdirSync(folder, { recursive: true });
    // what a kill -9 between write and rename leaves: the old naming and the pid-tagged one
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max limit: no such process
    const stale = ['.tmp-0b0c5a55-1111-4222-8333-944445555666', `.tmp-${deadPid}-0b0c5a55-1111-4222-8333-944445555666`];
    for (const name of stale) writeFileSync(join(folder, name), randomBytes(1024));
    // a temporary of a live writer (this test process's parent) stays
    const live = `.tmp-${process.ppid}-0b0c5a55-1111-4222-8333-944445555777`;
    writeFileSync(join(folder, live), 'in progress');
    writeFileSync(join(folder, 'kept.bin'), 'an object file');
    h.ports.close();
    const again = wireLocal({ dataDir: h.dataDir, env: {} }, silentLogger);
    try {
      expect(readdirSync(folder).sort()).to.deep.equal([live, 'kept.bin'].sort());
    } finally {
      again.close();
      rmSync(h.dataDir, { recursive: true, force: true });
      h = localHarness(); // for afterEach to dispose
    }
  });
});
