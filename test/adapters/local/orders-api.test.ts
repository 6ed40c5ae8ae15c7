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
