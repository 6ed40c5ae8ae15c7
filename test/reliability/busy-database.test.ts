/**
 * The local runtime while a second process takes the database's write lock at random moments
 * (issue 19): orders, users and uploads keep arriving; a request that cannot get the lock in time
 * is answered 503 with Retry-After and the client retries after it, as clients should. The
 * runtime must not crash, and nothing it accepted may be lost: every accepted order placed (or
 * cancelled for want of stock) exactly once with stock to match, every created user stored, every
 * accepted upload compressed. Before the fix the first long hold crashed the server.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { drained, getJson, startLocalServer, type LocalServer } from '../adapters/local/local-server';
import { databaseFile } from '../../adapters/local/wiring';
import { imageFixture, repoRoot } from '../support/fixtures';
import { orderBody } from '../support/reliability-orders';
import { scale } from '../support/reliability-scale';
import { tally } from '../support/reliability-tally';
import { spawn } from 'node:child_process';

const IMAGES = ['exif-orientation-Landscape_6.jpg', 'png-rgba-8bit-basn6a08.png', 'jpeg-grayscale-hopper.jpg'];

/** Sends until the answer is not 503, waiting each Retry-After; counts the 503s. */
async function insist(send: () => Promise<Response>, busy: { count: number }): Promise<Response> {
  for (;;) {
    const res = await send();
    if (res.status !== 503) return res;
    busy.count++;
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const after = Number(res.headers.get('retry-after'));
    expect(after, 'Retry-After').to.be.at.least(1);
    await res.arrayBuffer();
    await sleep(after * 1000 * Math.random());
  }
}

function startLockHolder(file: string): { child: ReturnType<typeof spawn>; holds: () => number; firstHold: Promise<void>; stop: () => Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sqlite-lock-holder.ts', file, '4000', '600'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let holds = 0;
  let held!: () => void;
  const firstHold = new Promise<void>((resolve) => (held = resolve));
  child.stdout?.on('data', (d: Buffer) => {
    holds += d.toString().split('\n').filter((l) => l.startsWith('held')).length;
    if (holds > 0) held();
  });
  return {
    child,
    holds: () => holds,
    firstHold,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL'); // by its own pid: a hold in progress ends with it, as with a killed shell
      await exited;
    },
  };
}

describe('reliability: a second process holds the database lock at random moments while traffic flows', function () {
  this.timeout(300_000);
  let dataDir: string;
  let server: LocalServer | undefined;
  let holder: ReturnType<typeof startLockHolder> | undefined;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'reliability-busy-'));
  });
  after(async () => {
    await holder?.stop();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never crashes, answers 503 with Retry-After when it cannot wait, and loses nothing it accepted', async () => {
    server = await startLocalServer(dataDir);
    const base = server.base;
    const product = 'busy-widget';
    const orders = scale.faultOrders;
    const stock = Math.floor(orders / 2);
    const busy = { count: 0 };
    await insist(() => fetch(`${base}/stock/${product}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity: stock }) }), busy);

    holder = startLockHolder(databaseFile(dataDir));
    await holder.firstHold; // traffic starts with the lock held
    const users: string[] = [];
    const uploads: string[] = [];
    const work = Array.from({ length: orders }, async (_, i) => {
      await sleep(i * 150);
      const order = await insist(
        () => fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(orderBody(`busy-o${i}`, [{ product_id: product, quantity: 1 }])) }),
        busy,
      );
      expect(order.status, await order.clone().text()).to.equal(202);
      if (i % 4 === 0) {
        const user = await insist(
          () => fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `Busy ${i}`, email: `busy-${i}@example.com` }) }),
          busy,
        );
        // a 503 after the insert committed cannot happen (the insert is the last write), but a retry after a lost answer would be a 409
        expect([201, 409], await user.clone().text()).to.include(user.status);
        users.push(`busy-${i}@example.com`);
      }
      if (i % 8 === 0) {
        const key = `busy/${i}-${IMAGES[i % IMAGES.length]}`;
        const put = await insist(() => fetch(`${base}/buckets/originals/${key}`, { method: 'PUT', body: imageFixture(IMAGES[i % IMAGES.length]) }), busy);
        expect(put.status, await put.clone().text()).to.equal(200);
        uploads.push(key);
      }
    });
    await Promise.all(work);
    // the queues drain with the lock still being taken at random, then without it
    await sleep(3_000);
    expect(server.child.exitCode, server.output()).to.equal(null);
    const holds = holder.holds();
    await holder.stop();
    await drained(server, 'orders', 120_000);
    await drained(server, 'images', 120_000);
    expect(server.child.exitCode, server.output()).to.equal(null);

    let placed = 0;
    const lost: string[] = [];
    for (let i = 0; i < orders; i++) {
      const { status, body } = await getJson<{ status?: string }>(`${base}/orders/busy-o${i}`);
      if (status === 200 && body.status === 'PLACED') placed++;
      else if (status !== 200 || body.status !== 'CANCELLED_INSUFFICIENT_INVENTORY') lost.push(`busy-o${i}: ${status} ${body.status}`);
    }
    const listed = (await getJson<{ users: { email: string }[] }>(`${base}/users?limit=100`)).body.users.map((u) => u.email);
    for (const email of users) if (!listed.includes(email)) lost.push(email);
    for (const key of uploads) if ((await fetch(`${base}/buckets/compressed/compressed/${key}`)).status !== 200) lost.push(key);
    expect(lost, 'accepted but lost').to.deep.equal([]);
    expect(placed).to.equal(stock);
    expect((await getJson<{ quantity: number }>(`${base}/stock/${product}`)).body.quantity).to.equal(0);
    const { payments } = (await getJson<{ payments: { attributes: Record<string, string> }[] }>(`${base}/payments`)).body;
    expect(new Set(payments.map((p) => p.attributes.order_id)).size, 'one payment request per placed order').to.equal(placed);
    const letters = (await getJson<{ dead_letters: unknown[] }>(`${base}/dead-letters`)).body.dead_letters;
    expect(letters, 'nothing dead-lettered: a busy database is never a reason').to.deep.equal([]);
    expect(holds, 'the lock was taken while traffic flowed').to.be.greaterThan(3);

    tally('busy database: lock holds by a second process', holds);
    tally('busy database: 503 answers retried', busy.count);
    tally('messages processed', orders + uploads.length);
  });
});
