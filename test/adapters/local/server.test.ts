/**
 * End to end: the real server in a child process, driven over HTTP as a user would drive it.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { imageFixture, imageFixtureNames } from '../../support/fixtures';
import { drained, eventually, getJson, sendJson, startLocalServer, type LocalServer } from './local-server';

interface DeadLetterView {
  function: string;
  reason: string;
  attempts: number;
  failed_at: string;
  object_key?: string;
  message?: string;
}

/** What the images function must do with each fixture, by what the fixture is. */
function expectedOutcome(name: string): 'compressed' | 'skipped' | 'dead-letter' {
  if (name.startsWith('corrupt-')) return 'dead-letter';
  return /\.(jpe?g|png)$/i.test(name) ? 'compressed' : 'skipped';
}

/** The original's size once its EXIF orientation is applied (orientations 5-8 swap the sides). */
async function orientedSize(bytes: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(bytes).metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  return swap ? { width: meta.height!, height: meta.width! } : { width: meta.width!, height: meta.height! };
}

describe('local server end to end', function () {
  this.timeout(120_000);
  let dataDir: string;
  let server: LocalServer;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-e2e-'));
    server = await startLocalServer(dataDir);
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('compresses every uploaded image fixture, skips the formats it does not take, and dead-letters the corrupt ones', async () => {
    const names = imageFixtureNames();
    const uploads = new Map<string, { size: number; etag: string }>();
    for (const name of names) {
      const bytes = imageFixture(name);
      const res = await fetch(`${server.base}/buckets/originals/uploads/${encodeURIComponent(name)}`, { method: 'PUT', body: bytes });
      expect(res.status, name).to.equal(200);
      const event = (await res.json()) as { key: string; size: number; etag: string };
      expect(event.key).to.equal(`uploads/${name}`);
      uploads.set(name, { size: event.size, etag: event.etag });
    }
    await drained(server, 'images');
    const { body } = await getJson<{ dead_letters: DeadLetterView[] }>(`${server.base}/dead-letters`);

    for (const name of names) {
      const copy = await fetch(`${server.base}/buckets/compressed/compressed/uploads/${encodeURIComponent(name)}`);
      const letters = body.dead_letters.filter((d) => d.object_key === `uploads/${name}`);
      const outcome = expectedOutcome(name);
      if (outcome !== 'compressed') {
        expect(copy.status, `${name}: no compressed copy`).to.equal(404);
        expect(letters, `${name}: dead letters`).to.have.length(outcome === 'dead-letter' ? 1 : 0);
        if (outcome === 'dead-letter') {
          expect(letters[0]).to.include({ function: 'images', attempts: 1 });
          expect(letters[0].reason, name).to.match(/^corrupt or unreadable image: \S/);
          expect(Date.parse(letters[0].failed_at)).to.be.a('number').and.not.NaN;
        }
        continue;
      }
      expect(copy.status, name).to.equal(200);
      expect(copy.headers.get('content-type')).to.equal('image/jpeg');
      const bytes = Buffer.from(await copy.arrayBuffer());
      expect(copy.headers.get('x-meta-original-size'), name).to.equal(String(uploads.get(name)!.size));
      expect(copy.headers.get('x-meta-compressed-size'), name).to.equal(String(bytes.length));
      expect(copy.headers.get('x-meta-source-etag'), name).to.equal(uploads.get(name)!.etag);
      const meta = await sharp(bytes).metadata();
      expect(meta.format, name).to.equal('jpeg');
      const original = await orientedSize(imageFixture(name));
      const scale = Math.min(1, 800 / original.width, 800 / original.height);
      expect(meta.width, `${name} width`).to.be.closeTo(Math.round(original.width * scale), 1);
      expect(meta.height, `${name} height`).to.be.closeTo(Math.round(original.height * scale), 1);
      expect(letters, `${name}: no dead letter`).to.have.length(0);
    }
  });

  it('logs one JSON line per invocation with the function, its duration and its outcome', () => {
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const about = (key: string) => lines.filter((l) => l.function === 'images' && l.key === key);
    const corrupt = about('uploads/corrupt-1-byte-not-an-image.jpg');
    expect(corrupt, 'one line for the corrupt upload').to.have.length(1);
    expect(corrupt[0]).to.include({ outcome: 'dead-lettered', attempt: 1 });
    expect(corrupt[0].duration_ms).to.be.a('number');
    const tiny = about('uploads/tiny-1x1.png');
    expect(tiny, 'one line for a compressed upload').to.have.length(1);
    expect(tiny[0]).to.include({ outcome: 'compressed' });
    expect(tiny[0].duration_ms).to.be.a('number');
    expect(tiny[0]).to.not.have.property('durationMs');
  });

  it('places exactly 5 of 20 concurrent orders for a product with stock 5 and cancels the other 15', async () => {
    const product = `race-${Date.now()}`;
    expect((await sendJson('PUT', `${server.base}/stock/${product}`, { quantity: 5 })).status).to.equal(200);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sendJson<{ order_id: string; status: string }>('POST', `${server.base}/orders`, {
          order_id: `${product}-o${i}`,
          user_id: 'u-race',
          items: [{ product_id: product, quantity: 1 }],
          total_amount: 1250,
          currency: 'EUR',
        }),
      ),
    );
    for (const a of answers) expect(a.status).to.equal(202);
    await drained(server, 'orders');
    const statuses = await Promise.all(answers.map(async (a) => (await getJson<{ status: string }>(`${server.base}/orders/${a.body.order_id}`)).body.status));
    expect(statuses.filter((s) => s === 'PLACED')).to.have.length(5);
    expect(statuses.filter((s) => s === 'CANCELLED_INSUFFICIENT_INVENTORY')).to.have.length(15);
    const { body } = await getJson<{ stock: { product_id: string; quantity: number }[] }>(`${server.base}/stock`);
    expect(body.stock.find((s) => s.product_id === product)).to.deep.equal({ product_id: product, quantity: 0 });
  });

  it('places an order sent twice once: one decrement, one payment, one event', async () => {
    const product = `twice-${Date.now()}`;
    await sendJson('PUT', `${server.base}/stock/${product}`, { quantity: 10 });
    const order = { order_id: `${product}-o`, user_id: 'u-twice', items: [{ product_id: product, quantity: 2 }], total_amount: 500, currency: 'eur' };
    expect((await sendJson('POST', `${server.base}/orders`, order)).status).to.equal(202);
    expect((await sendJson('POST', `${server.base}/orders`, order)).status).to.equal(202);
    await drained(server, 'orders');
    expect((await getJson(`${server.base}/orders/${order.order_id}`)).body).to.include({ status: 'PLACED', currency: 'EUR' });
    expect((await getJson(`${server.base}/stock/${product}`)).body).to.deep.equal({ product_id: product, quantity: 8 });
    const payments = (await getJson<{ payments: { attributes: Record<string, string> }[] }>(`${server.base}/payments`)).body.payments;
    expect(payments.filter((p) => p.attributes.order_id === order.order_id)).to.have.length(1);
    const events = (await getJson<{ events: { attributes: Record<string, string> }[] }>(`${server.base}/events`)).body.events;
    expect(events.filter((e) => e.attributes.order_id === order.order_id).map((e) => e.attributes.event_type)).to.deep.equal(['ORDER_CREATED']);
  });

  it('refuses a malformed order at the door with the parser\'s reason', async () => {
    const res = await sendJson<{ detail: string }>('POST', `${server.base}/orders`, { user_id: 'u1', items: [], total_amount: 1, currency: 'EUR' });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.match(/^items: must not be empty/);
  });

  it('serves the users API of the core: create, then read back', async () => {
    const email = `e2e-${Date.now()}@example.com`;
    const created = await sendJson<{ user_id: string; email: string }>('POST', `${server.base}/users`, { name: 'Ada', email });
    expect(created.status).to.equal(201);
    const got = await getJson<{ email: string; name: string }>(`${server.base}/users/${encodeURIComponent(created.body.user_id)}`);
    expect(got.status).to.equal(200);
    expect(got.body).to.include({ email, name: 'Ada' });
  });

  it('takes uploads only into the originals bucket, so the function cannot trigger itself', async () => {
    const intoCompressed = await fetch(`${server.base}/buckets/compressed/compressed/x.jpg`, { method: 'PUT', body: imageFixture('tiny-1x1.png') });
    expect(intoCompressed.status).to.equal(405);
    expect(intoCompressed.headers.get('allow')).to.equal('GET, HEAD');
    const unknown = await fetch(`${server.base}/buckets/elsewhere/x.jpg`, { method: 'PUT', body: 'x' });
    expect(unknown.status).to.equal(404);
    expect(unknown.headers.get('content-type')).to.equal('application/problem+json');
  });

  it('lists a bucket by prefix, answers 404 for a missing object and 304 for an unchanged one', async () => {
    await fetch(`${server.base}/buckets/originals/list-test/a%2Bb%20c.png`, { method: 'PUT', body: imageFixture('tiny-1x1.png') });
    const { body } = await getJson<{ objects: { key: string }[] }>(`${server.base}/buckets/originals?prefix=list-test/`);
    expect(body.objects.map((o) => o.key)).to.deep.equal(['list-test/a+b c.png']);
    expect((await fetch(`${server.base}/buckets/originals/list-test/missing.png`)).status).to.equal(404);
    const object = await fetch(`${server.base}/buckets/originals/list-test/a%2Bb%20c.png`);
    const etag = object.headers.get('etag')!;
    expect(etag).to.match(/^"[0-9a-f]{32}"$/);
    const again = await fetch(`${server.base}/buckets/originals/list-test/a%2Bb%20c.png`, { headers: { 'if-none-match': etag } });
    expect(again.status, 'unchanged since the etag').to.equal(304);
    expect(await again.text()).to.equal('');
    await eventually(async () => ((await fetch(`${server.base}/buckets/compressed/compressed/list-test/a%2Bb%20c.png`)).status === 200 ? true : undefined), 'the copy');
  });

  // last: by now every function has run (images, orders and users above)
  it('names the same three fields on every function\'s per-invocation line: function, duration_ms, outcome', () => {
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const perInvocation = lines.filter((l) => ['users request', 'order processed', 'image compressed', 'image skipped'].includes(String(l.msg)));
    expect(new Set(perInvocation.map((l) => l.function))).to.deep.equal(new Set(['users', 'orders', 'images']));
    for (const l of perInvocation) {
      expect(l.duration_ms, `${l.msg}: duration_ms`).to.be.a('number');
      expect(l.outcome, `${l.msg}: outcome`).to.be.a('string').and.not.equal('');
      expect(l, `${l.msg}`).to.not.have.property('durationMs');
    }
  });
});
