/**
 * Warm invocations through the local adapters, in-process: every users route and an order
 * 10,000 times each, the images function on a 1 MP photo fewer times (each one decodes and
 * encodes a real image, ~10^4 times slower than a users call). The local adapters run on the
 * real SQLite file and bucket folder of `npm start`; log lines are serialised as in production
 * and then dropped, so their cost counts but the terminal does not.
 *
 * Run alone: npm run bench:warm-invocation
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { jsonLogger } from '../handlers/ports/logger';
import { localBuckets, localQueues } from '../adapters/local/environment';
import { objectCreatedMessage } from '../adapters/local/events/object-created';
import { imagesEntry } from '../adapters/local/images';
import { ordersEntry } from '../adapters/local/orders';
import type { ReceivedMessage } from '../adapters/local/queue';
import { usersEntry } from '../adapters/local/users';
import { wireLocal } from '../adapters/local/wiring';
import { fixturePath } from '../test/support/fixtures';
import { ms, ratio, renderSection, summarise, table, type Section } from './report';

export const USERS_ITERATIONS = 10_000;
export const ORDER_ITERATIONS = 10_000;
export const IMAGE_ITERATIONS = 60;
const PRODUCTS = 10;

function delivery(queue: string, id: string, body: string): ReceivedMessage {
  return { id, queue, body, attributes: {}, receiveCount: 1, lease: id, enqueuedAt: Date.now() };
}

/** Times `calls` invocations one after the other; `check` throws on a wrong answer. */
async function timed<T>(calls: number, invoke: (i: number) => Promise<T>, check: (result: T, i: number) => void): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const result = await invoke(i);
    samples.push(performance.now() - started);
    check(result, i);
  }
  return samples;
}

function expectStatus(expected: number) {
  return (answer: { status: number; body?: string }) => {
    if (answer.status !== expected) throw new Error(`expected ${expected}, got ${answer.status}: ${answer.body}`);
  };
}

export async function warmInvocationBenchmark(): Promise<Section> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-warm-'));
  let logBytes = 0;
  const ports = wireLocal({ dataDir, env: {} }, jsonLogger((line) => (logBytes += line.length)));
  try {
    const users = usersEntry(ports);
    const json = { rawHeaders: ['content-type', 'application/json'] };
    const call = (method: string, url: string, body?: unknown) =>
      users({ method, url, ...json, body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)) });

    const rows: (string | number)[][] = [];
    const add = (name: string, calls: number, samples: number[]) => {
      const s = summarise(samples);
      rows.push([name, calls, ms(s.median), ms(s.p99), ms(s.max), ratio(s.p99, s.median)]);
      return s;
    };

    const ids: string[] = [];
    add('users POST /users', USERS_ITERATIONS, await timed(USERS_ITERATIONS, (i) => call('POST', '/users', { name: `User ${i}`, email: `user${i}@example.com` }), (a) => {
      expectStatus(201)(a);
      ids.push((JSON.parse(a.body!) as { user_id: string }).user_id);
    }));
    add('users GET /users/{id}', USERS_ITERATIONS, await timed(USERS_ITERATIONS, (i) => call('GET', `/users/${ids[i]}`), expectStatus(200)));
    add('users GET /users?limit=20', USERS_ITERATIONS, await timed(USERS_ITERATIONS, () => call('GET', '/users?limit=20'), expectStatus(200)));
    add('users PUT /users/{id}', USERS_ITERATIONS, await timed(USERS_ITERATIONS, (i) => call('PUT', `/users/${ids[i]}`, { name: `Renamed ${i}`, email: `renamed${i}@example.com` }), expectStatus(200)));
    add('users PATCH /users/{id}', USERS_ITERATIONS, await timed(USERS_ITERATIONS, (i) => call('PATCH', `/users/${ids[i]}`, { name: `Patched ${i}` }), expectStatus(200)));
    add('users DELETE /users/{id}', USERS_ITERATIONS, await timed(USERS_ITERATIONS, (i) => call('DELETE', `/users/${ids[i]}`), expectStatus(204)));

    const orders = ordersEntry(ports);
    for (let p = 0; p < PRODUCTS; p++) await ports.ledger.setStock(`product-${p}`, ORDER_ITERATIONS * 10);
    add('orders: one order (2 lines), placed and relayed', ORDER_ITERATIONS, await timed(ORDER_ITERATIONS, (i) => {
      const body = JSON.stringify({
        order_id: `order-${i}`,
        user_id: 'user-1',
        items: [{ product_id: `product-${i % PRODUCTS}`, quantity: 1 }, { product_id: `product-${(i + 1) % PRODUCTS}`, quantity: 2 }],
        total_amount: 2999,
        currency: 'EUR',
      });
      return orders.handle(delivery(localQueues.orders, `m-${i}`, body));
    }, (r) => {
      if (r.outcome !== 'placed') throw new Error(`order not placed: ${JSON.stringify(r)}`);
    }));

    // A 1 MP photo (1224x816) from the orientation fixture: what a phone's "small" size gives.
    const photo = await sharp(readFileSync(fixturePath('images', 'exif-orientation-Landscape_1.jpg'))).resize(1224, 816).jpeg({ quality: 90 }).toBuffer();
    const images = imagesEntry(ports);
    const events: string[] = [];
    for (let i = 0; i < IMAGE_ITERATIONS + 1; i++) {
      const key = `bench/${i}.jpg`;
      await ports.blobs.put(localBuckets.originals, key, photo, { contentType: 'image/jpeg', metadata: {} });
      const head = await ports.blobs.head(localBuckets.originals, key);
      events.push(objectCreatedMessage({ bucket: localBuckets.originals, key, size: photo.byteLength, etag: head!.etag!, eventTime: new Date().toISOString() }));
    }
    await images.handle(delivery(localQueues.images, 'warm-up', events[IMAGE_ITERATIONS])); // the first one loads sharp's codecs
    add('images: 1 MP JPEG to 800x533', IMAGE_ITERATIONS, await timed(IMAGE_ITERATIONS, (i) => images.handle(delivery(localQueues.images, `i-${i}`, events[i])), (r) => {
      if (r.outcome !== 'compressed') throw new Error(`image not compressed: ${JSON.stringify(r)}`);
    }));

    const body = [
      `In-process calls of the local entry points (\`adapters/local/users.ts\`, \`orders.ts\`, \`images.ts\`) over a fresh SQLite file and bucket folder, one call at a time, each answer checked (status or outcome). Log lines are serialised (${(logBytes / 1024 / 1024).toFixed(1)} MiB in all) and dropped. Images: ${IMAGE_ITERATIONS} invocations, not 10,000: each decodes and encodes a real photo (about 10,000 would take tens of minutes here), after one warm-up call.`,
      '',
      table(['invocation', 'calls', 'median', 'p99', 'max', 'p99 / median'], rows),
    ].join('\n');
    return { title: 'Warm invocation (local adapters, in-process)', command: 'npm run bench:warm-invocation', body };
  } finally {
    ports.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void warmInvocationBenchmark().then((section) => console.log(renderSection(section)));
}
