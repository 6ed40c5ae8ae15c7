/**
 * Restart: the real local runtime (`adapters/local/main.ts` in a child process) is killed with
 * SIGKILL while orders and uploads are still arriving, restarted, killed again mid-drain, and
 * restarted once more on the same data directory. Every order it accepted (202) ends placed,
 * cancelled or dead-lettered with a reason; stock matches the placed orders exactly; every placed
 * order has its payment request; every accepted upload is compressed.
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drained, getJson, sendJson, startLocalServer, type LocalServer } from '../adapters/local/local-server';
import { localQueues } from '../../adapters/local/environment';
import { databaseFile, wireLocal } from '../../adapters/local/wiring';
import { silentLogger } from '../../handlers/ports/logger';
import { imageFixture } from '../support/fixtures';
import { orderBody } from '../support/reliability-orders';
import { scale } from '../support/reliability-scale';
import { tally } from '../support/reliability-tally';

const IMAGES = ['exif-orientation-Landscape_6.jpg', 'jpeg-cmyk-pil-sample.jpg', 'png-rgba-8bit-basn6a08.png', 'jpeg-grayscale-hopper.jpg'];

/** Messages the killed process left queued or in flight, read from its SQLite file. */
function queuedIn(dataDir: string): number {
  const ports = wireLocal({ dataDir, env: {} }, silentLogger);
  try {
    return [localQueues.orders, localQueues.images].reduce((n, q) => n + ports.queue(q).depth().waiting + ports.queue(q).depth().hidden, 0);
  } finally {
    ports.close();
  }
}

/** Orders and uploads queued or in flight, read without a write lock from a (possibly frozen) runtime's file. */
function heldIn(dataDir: string): number {
  const db = new Database(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM messages WHERE queue IN (?, ?)').get(localQueues.orders, localQueues.images);
    return row?.n ?? 0;
  } finally {
    db.close();
  }
}

async function killHard(server: LocalServer): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  process.kill(-server.pid, 'SIGKILL');
  await exited;
}

describe('reliability: SIGKILL of the local runtime mid-batch, twice', function () {
  this.timeout(180_000);
  let dataDir: string;
  const running: LocalServer[] = [];
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'reliability-restart-'));
  });
  after(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes every accepted order and upload after the restarts', async () => {
    const product = 'restart-widget';
    const stock = Math.floor(scale.restartOrders / 2);
    const first = await startLocalServer(dataDir);
    running.push(first);
    await sendJson('PUT', `${first.base}/stock/${product}`, { quantity: stock });

    // orders and uploads keep arriving; the kill lands while they do
    const accepted: string[] = [];
    const uploaded: string[] = [];
    const sends = Array.from({ length: scale.restartOrders }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 5));
      const id = `restart-o${i}`;
      const res = await sendJson('POST', `${first.base}/orders`, orderBody(id, [{ product_id: product, quantity: 1 }])).catch(() => undefined);
      if (res?.status === 202) accepted.push(id);
      if (i % 5 === 0) {
        const key = `restart/${i}-${IMAGES[i % IMAGES.length]}`;
        const put = await fetch(`${first.base}/buckets/originals/${key}`, { method: 'PUT', body: imageFixture(IMAGES[i % IMAGES.length]) }).catch(() => undefined);
        if (put?.status === 200) uploaded.push(key);
      }
    });
    // The kill must land while the runtime holds work, and it often drains as fast as work
    // arrives: a kill decided on counts, or on a look at its queues a moment earlier, sometimes hit
    // an idle process. So, once half the orders and one upload are in: freeze it (SIGSTOP), read
    // its SQLite file (WAL: a reader needs no lock the frozen writer may hold), and SIGKILL it only
    // if orders or uploads are still queued or in flight; otherwise let it run on and look again.
    const deadline = Date.now() + 60_000;
    let killed = false;
    while (!killed && Date.now() < deadline) {
      if (accepted.length >= scale.restartOrders / 2 && uploaded.length > 0) {
        process.kill(-first.pid, 'SIGSTOP');
        if (heldIn(dataDir) > 0) {
          await killHard(first);
          killed = true;
          break;
        }
        process.kill(-first.pid, 'SIGCONT');
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(killed, 'killed while holding work, within a minute').to.equal(true);
    await Promise.all(sends);
    expect(accepted.length, 'orders accepted before the kill').to.be.greaterThan(0);
    const unfinished = queuedIn(dataDir);
    expect(unfinished, 'orders and uploads still queued or in flight at the kill').to.be.greaterThan(0);
    expect(uploaded.length, 'uploads accepted before the kill').to.be.greaterThan(0);

    // second life: killed again while it drains what the first one left
    const second = await startLocalServer(dataDir);
    running.push(second);
    await new Promise((r) => setTimeout(r, 150));
    await killHard(second);

    const third = await startLocalServer(dataDir);
    running.push(third);
    await drained(third, 'orders', 90_000);
    await drained(third, 'images', 90_000);

    const letters = (await getJson<{ dead_letters: { function: string; reason: string; message?: string }[] }>(`${third.base}/dead-letters`)).body
      .dead_letters;
    const deadOrders = new Set(letters.filter((l) => l.function === 'orders').map((l) => (JSON.parse(l.message ?? '{}') as { order_id?: string }).order_id));
    let placed = 0;
    const lost: string[] = [];
    for (const id of accepted) {
      const { status, body } = await getJson<{ status?: string }>(`${third.base}/orders/${id}`);
      if (status === 200 && body.status === 'PLACED') placed++;
      else if ((status !== 200 || body.status !== 'CANCELLED_INSUFFICIENT_INVENTORY') && !deadOrders.has(id)) lost.push(id);
    }
    for (const key of uploaded) if ((await fetch(`${third.base}/buckets/compressed/compressed/${key}`)).status !== 200) lost.push(key);
    tally('lost (accepted orders or uploads unfinished after restart)', lost.length);
    expect(lost, 'accepted but neither finished nor dead-lettered').to.deep.equal([]);
    expect(placed, 'placed').to.equal(Math.min(stock, accepted.length));
    expect((await getJson<{ quantity: number }>(`${third.base}/stock/${product}`)).body.quantity).to.equal(stock - placed);
    const { payments } = (await getJson<{ payments: { attributes: Record<string, string> }[] }>(`${third.base}/payments`)).body;
    const paid = new Set(payments.map((p) => p.attributes.order_id));
    expect(paid.size, 'distinct payment requests').to.equal(placed);
    for (const l of letters) expect(l.reason).to.be.a('string').and.not.equal('');

    tally('restart: SIGKILLs', 2);
    tally('restart: messages queued or in flight at the first kill', unfinished);
    tally('restart: orders accepted before the kill', accepted.length);
    tally('restart: uploads accepted before the kill', uploaded.length);
    tally('restart: dead letters after the restarts', letters.length);
    tally('messages processed', accepted.length + uploaded.length);
  });
});
