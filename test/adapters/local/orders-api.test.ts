/**
 * The local orders front door and the dead letters' redrive, in process over a fresh data
 * directory, through real HTTP on 127.0.0.1.
 */
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalServer } from '../../../adapters/local/server';
import { localQueues } from '../../../adapters/local/environment';
import { orderFingerprint } from '../../../handlers/orders/fingerprint';
import { deadLetterForMessage, deadLetterForObject } from '../../../handlers/delivery';
import type { DeadLetter } from '../../../handlers/ports/dead-letters';
import { localHarness, type LocalHarness } from './local-harness';

export interface LocalServerUnderTest {
  h: LocalHarness;
  base: () => string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; type: string | null; json: Record<string, unknown> }>;
}

/** A local server over a fresh data directory for the calling suite. */
export function useLocalServer(): LocalServerUnderTest {
  const state = { h: undefined as unknown as LocalHarness, server: undefined as unknown as Server, base: '' };
  before(async () => {
    state.h = localHarness();
    state.server = createLocalServer(state.h.ports);
    await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
    state.base = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    state.server.closeAllConnections();
    await new Promise<void>((resolve) => state.server.close(() => resolve()));
    state.h.dispose();
  });
  return {
    get h() {
      return state.h;
    },
    base: () => state.base,
    async call(method, path, body) {
      const res = await fetch(state.base + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, type: res.headers.get('content-type'), json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
  };
}

describe('local POST /orders and a reused order id', function () {
  this.timeout(30_000);
  const s = useLocalServer();
  const order = { order_id: 'reuse-1', user_id: 'u1', items: [{ product_id: 'p1', quantity: 1 }], total_amount: 500, currency: 'EUR' };

  it('answers 409 problem+json for an id recorded for another order, and queues nothing', async () => {
    await s.h.ports.ledger.setStock('p1', 5);
    await s.h.ports.ledger.placeOrder({ order, at: '2026-01-01T00:00:00.000Z', outboxIfPlaced: [], outboxIfCancelled: [], fingerprint: orderFingerprint(order) });
    const queued = s.h.ports.queue(localQueues.orders).peek().length;
    const res = await s.call('POST', '/orders', { ...order, total_amount: 499 });
    expect(res.status).to.equal(409);
    expect(res.type).to.equal('application/problem+json');
    expect(res.json).to.include({ status: 409, title: 'Conflict', detail: 'order_id reuse-1 already used for a different order' });
    expect(s.h.ports.queue(localQueues.orders).peek()).to.have.length(queued);
  });

  it('queues the same order sent again (202): the function answers it as a duplicate', async () => {
    const res = await s.call('POST', '/orders', order);
    expect(res.status).to.equal(202);
  });
});

describe('local POST /dead-letters/{id}/redrive', function () {
  this.timeout(30_000);
  const s = useLocalServer();

  /** Puts `body` on `queue`, receives it and dead-letters it with `envelope`, as the worker does. */
  function deadLetter(queue: string, body: string, envelope: DeadLetter): void {
    const q = s.h.ports.queue(queue);
    q.enqueue(body);
    const received = q.receive(10_000)!;
    expect(q.deadLetter(received, envelope)).to.equal(true);
  }

  it('puts an orders letter\'s message back on the orders queue and removes the letter, once', async () => {
    const body = JSON.stringify({ order_id: 'rd-1', user_id: 'u', items: [{ product_id: 'p', quantity: 1 }], total_amount: 1, currency: 'EUR' });
    deadLetter(localQueues.orders, body, deadLetterForMessage('orders', body, 'ECONNREFUSED payments queue', 5, new Date()));
    const listed = (await s.call('GET', '/dead-letters')).json.dead_letters as { id: number; message?: string }[];
    const letter = listed.find((l) => l.message === body)!;
    expect(letter.id).to.be.a('number');
    const res = await s.call('POST', `/dead-letters/${letter.id}/redrive`);
    expect(res.status).to.equal(200);
    expect(res.json).to.include({ id: letter.id, function: 'orders', queue: 'orders' });
    const queued = s.h.ports.queue(localQueues.orders).peek().find((m) => m.id === res.json.message_id);
    expect(queued?.body).to.equal(body);
    expect(queued?.attributes).to.deep.equal({ order_id: 'rd-1' });
    expect(((await s.call('GET', '/dead-letters')).json.dead_letters as { id: number }[]).some((l) => l.id === letter.id)).to.equal(false);
    const again = await s.call('POST', `/dead-letters/${letter.id}/redrive`);
    expect(again.status).to.equal(404);
    expect(again.type).to.equal('application/problem+json');
  });

  it('replays an images letter as a fresh notification of the object as it is now; a deleted object is a 409', async () => {
    await s.h.ports.blobs.put('originals', 'rd/cat.jpg', Buffer.from('not really a jpeg'), { contentType: 'image/jpeg', metadata: {} });
    const head = await s.h.ports.blobs.head('originals', 'rd/cat.jpg');
    deadLetter(localQueues.images, '{}', deadLetterForObject({ bucket: 'originals', key: 'rd/cat.jpg', etag: 'old' }, 'corrupt', 1, new Date()));
    deadLetter(localQueues.images, '{}', deadLetterForObject({ bucket: 'originals', key: 'rd/gone.jpg' }, 'corrupt', 1, new Date()));
    const listed = (await s.call('GET', '/dead-letters')).json.dead_letters as { id: number; object_key?: string }[];
    const cat = listed.find((l) => l.object_key === 'rd/cat.jpg')!;
    const gone = listed.find((l) => l.object_key === 'rd/gone.jpg')!;
    const res = await s.call('POST', `/dead-letters/${cat.id}/redrive`);
    expect(res.status).to.equal(200);
    const queued = s.h.ports.queue(localQueues.images).peek().find((m) => m.id === res.json.message_id)!;
    expect(JSON.parse(queued.body)).to.include({ bucket: 'originals', key: 'rd/cat.jpg', etag: head!.etag, size: head!.size });
    const refused = await s.call('POST', `/dead-letters/${gone.id}/redrive`);
    expect(refused.status).to.equal(409);
    expect(String(refused.json.detail)).to.match(/no longer exists/);
    expect((await s.call('GET', `/dead-letters/${gone.id}/redrive`)).status).to.equal(405);
  });
});
