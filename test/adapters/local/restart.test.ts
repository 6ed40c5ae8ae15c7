/**
 * Nothing is lost across a crash or a stop: the real server is killed with SIGKILL while uploads
 * are queued, or finds messages a dead process held, and a restart on the same data directory
 * finishes every one of them.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localQueues } from '../../../adapters/local/environment';
import { LocalQueue } from '../../../adapters/local/queue';
import { wireLocal } from '../../../adapters/local/wiring';
import { silentLogger } from '../../../handlers/ports/logger';
import { imageFixture, imageFixtureNames } from '../../support/fixtures';
import { drained, getJson, sendJson, startLocalServer, type LocalServer } from './local-server';

const order = (orderId: string, product: string) => ({
  order_id: orderId,
  user_id: 'u-restart',
  items: [{ product_id: product, quantity: 1 }],
  total_amount: 100,
  currency: 'EUR',
});

/** The images queue as the stopped or killed process left it in the file. */
function depthAfterStop(dataDir: string): { waiting: number; hidden: number } {
  const ports = wireLocal({ dataDir, env: {} }, silentLogger);
  try {
    return ports.queue(localQueues.images).depth();
  } finally {
    ports.close();
  }
}

function queuedAfterCrash(dataDir: string): number {
  const depth = depthAfterStop(dataDir);
  return depth.waiting + depth.hidden;
}

async function killHard(server: LocalServer): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  process.kill(-server.pid, 'SIGKILL');
  await exited;
}

async function expectAllPlaced(server: LocalServer, ids: string[], product: string, stockLeft: number): Promise<void> {
  await drained(server, 'orders');
  for (const id of ids) expect((await getJson(`${server.base}/orders/${id}`)).body.status, id).to.equal('PLACED');
  expect((await getJson(`${server.base}/stock/${product}`)).body.quantity).to.equal(stockLeft);
  const { payments } = (await getJson<{ payments: { attributes: Record<string, string> }[] }>(`${server.base}/payments`)).body;
  // at least once: a crash between the send and its mark may send a payment twice, never zero times
  const paid = new Set(payments.map((p) => p.attributes.order_id));
  for (const id of ids) expect(paid.has(id), `payment for ${id}`).to.equal(true);
}

/** These tests send every upload at once and count on each being accepted: no 503 for being over the upload bound. */
const allUploadsAtOnce = { UPLOADS_MAX_CONCURRENT: '64' };

describe('local server across a crash and a restart', function () {
  this.timeout(120_000);
  let dataDir: string;
  const running: LocalServer[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-restart-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no accepted upload or order when killed with SIGKILL mid-queue', async () => {
    const first = await startLocalServer(dataDir, allUploadsAtOnce);
    running.push(first);
    const product = 'crash-widget';
    await sendJson('PUT', `${first.base}/stock/${product}`, { quantity: 100 });
    const ids = Array.from({ length: 30 }, (_, i) => `crash-o${i}`);
    // compressing takes far longer than accepting, so uploads are still queued when the kill comes
    const keys = imageFixtureNames()
      .filter((n) => n.startsWith('exif-orientation-'))
      .flatMap((n) => [`crash/a-${n}`, `crash/b-${n}`]);
    const answers = await Promise.all([
      ...ids.map((id) => sendJson('POST', `${first.base}/orders`, order(id, product))),
      ...keys.map(async (key) => {
        const name = key.replace(/^crash\/[ab]-/, '');
        const res = await fetch(`${first.base}/buckets/originals/${key}`, { method: 'PUT', body: imageFixture(name) });
        return { status: res.status };
      }),
    ]);
    expect(answers.map((a) => a.status)).to.deep.equal([...ids.map(() => 202), ...keys.map(() => 200)]);
    await killHard(first);
    const unfinished = queuedAfterCrash(dataDir);
    expect(unfinished, 'uploads still queued or in flight at the kill').to.be.greaterThan(0);

    const second = await startLocalServer(dataDir);
    running.push(second);
    await expectAllPlaced(second, ids, product, 70);
    await drained(second, 'images');
    for (const key of keys) expect((await fetch(`${second.base}/buckets/compressed/compressed/${key}`)).status, key).to.equal(200);
    expect((await getJson<{ dead_letters: unknown[] }>(`${second.base}/dead-letters`)).body.dead_letters).to.deep.equal([]);
  });

  it('delivers again, after their visibility timeout, the messages a dead process was holding', async () => {
    const product = 'held-widget';
    const ids = Array.from({ length: 12 }, (_, i) => `held-o${i}`);
    // a previous process queued 12 orders, received 4, and died before finishing them
    const ports = wireLocal({ dataDir, env: {} }, silentLogger);
    await ports.ledger.setStock(product, 12);
    const queue = new LocalQueue(ports.db, localQueues.orders);
    for (const id of ids) queue.enqueue(JSON.stringify(order(id, product)), { order_id: id });
    for (let i = 0; i < 4; i++) expect(queue.receive(2_000)).to.not.equal(undefined);
    ports.close();

    const server = await startLocalServer(dataDir);
    running.push(server);
    await expectAllPlaced(server, ids, product, 0);
  });

  it('stops cleanly on SIGTERM, returning unfinished work, and continues where it stopped', async () => {
    const first = await startLocalServer(dataDir, allUploadsAtOnce);
    running.push(first);
    const keys = imageFixtureNames()
      .filter((n) => n.startsWith('exif-orientation-'))
      .map((n) => `term/${n}`);
    for (const res of await Promise.all(keys.map((key) => fetch(`${first.base}/buckets/originals/${key}`, { method: 'PUT', body: imageFixture(key.slice('term/'.length)) })))) {
      expect(res.status).to.equal(200);
    }
    const exit = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
    process.kill(first.pid, 'SIGTERM');
    expect(await exit, 'exit code').to.equal(0);
    expect(first.output()).to.match(/"msg":"stopped"/);
    const left = depthAfterStop(dataDir);
    expect(left.hidden, 'nothing left hidden: every delivery finished or was returned').to.equal(0);

    const second = await startLocalServer(dataDir);
    running.push(second);
    await drained(second, 'images');
    for (const key of keys) expect((await fetch(`${second.base}/buckets/compressed/compressed/${key}`)).status, key).to.equal(200);
  });
});
