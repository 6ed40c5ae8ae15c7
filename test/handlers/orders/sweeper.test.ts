/**
 * The outbox sweeper relays what a bus outage left pending, through the same relay, without the
 * original message: entries older than the grace period only, each sent once, the cancelled
 * order's event with its short lines, bounded per run, and a run that stops early while the bus
 * is still down.
 */
import { expect } from 'chai';
import { processOrder } from '../../../handlers/orders';
import { sweepOutbox } from '../../../handlers/orders/sweeper';
import type { MessageBus } from '../../../handlers/ports/message-bus';
import { silentLogger } from '../../../handlers/ports/logger';
import { MemoryMessageBus, MemoryOrderLedger } from '../../support/memory';
import { orderBody, settings } from './harness';

/** A bus that can be switched off: every call then fails, as a payments queue in an outage. */
class SwitchableBus implements MessageBus {
  down = false;
  calls = 0;
  constructor(readonly inner = new MemoryMessageBus()) {}
  async send(...args: Parameters<MessageBus['send']>) {
    this.calls++;
    if (this.down) throw new Error('ECONNREFUSED payments queue');
    return this.inner.send(...args);
  }
  async publish(...args: Parameters<MessageBus['publish']>) {
    this.calls++;
    if (this.down) throw new Error('ECONNREFUSED events topic');
    return this.inner.publish(...args);
  }
}

function setup(stock: Record<string, number>) {
  const ledger = new MemoryOrderLedger();
  for (const [p, q] of Object.entries(stock)) ledger.stock.set(p, q);
  const bus = new SwitchableBus();
  const clock = { at: new Date('2026-03-01T12:00:00.000Z'), now() { return this.at; } };
  const deps = { ledger, bus, clock, logger: silentLogger };
  /** Every delivery of the message fails while the bus is down: the platform would dead-letter it. */
  const deliverDuringOutage = async (body: Record<string, unknown>) => {
    for (let attempt = 1; attempt <= settings.maxDeliveries; attempt++) {
      await processOrder({ id: `m-${attempt}`, body: JSON.stringify(body), attempts: attempt }, deps, settings).catch(() => undefined);
    }
  };
  const advance = (seconds: number) => (clock.at = new Date(clock.at.getTime() + seconds * 1000));
  return { ledger, bus, clock, deps, deliverDuringOutage, advance };
}

describe('orders: the outbox sweeper', () => {
  it('sends what an outage longer than the retry budget left pending, once, after the grace period', async () => {
    const s = setup({ 'sku-1': 10, 'sku-2': 0 });
    s.bus.down = true;
    await s.deliverDuringOutage(orderBody({ order_id: 'placed-1' }));
    await s.deliverDuringOutage(orderBody({ order_id: 'cancelled-1', items: [{ product_id: 'sku-2', quantity: 1 }] }));
    expect((await s.ledger.getOrder('placed-1'))?.status).to.equal('PLACED');
    expect(await s.ledger.pendingOutbox('placed-1')).to.have.length(2);
    s.bus.down = false;

    // younger than the grace period: left to the deliveries that may still be relaying it
    const early = await sweepOutbox(s.deps, settings);
    expect(early).to.include({ orders: 0, relayed: 0 });

    s.advance(settings.sweepGraceSeconds + 1);
    const swept = await sweepOutbox(s.deps, settings);
    expect(swept).to.include({ orders: 2, relayed: 3, failed: 0, incomplete: false });
    expect(s.bus.inner.sent.map((m) => m.message.order_id)).to.deep.equal(['placed-1']);
    const cancelled = s.bus.inner.published.find((e) => e.event.order_id === 'cancelled-1');
    expect(cancelled?.event.short_lines).to.deep.equal([{ product_id: 'sku-2', requested: 1, available: 0 }]);
    expect(await s.ledger.pendingOutbox('placed-1')).to.deep.equal([]);
    expect(await s.ledger.pendingOutbox('cancelled-1')).to.deep.equal([]);

    const again = await sweepOutbox(s.deps, settings);
    expect(again).to.include({ orders: 0, relayed: 0 });
    expect(s.bus.inner.sent).to.have.length(1);
  });

  it('relays at most sweepMaxOrders orders a run; the next run takes the rest', async () => {
    const s = setup({ 'sku-1': 100 });
    s.bus.down = true;
    for (let i = 0; i < 7; i++) await s.deliverDuringOutage(orderBody({ order_id: `o-${i}`, items: [{ product_id: 'sku-1', quantity: 1 }] }));
    s.bus.down = false;
    s.advance(settings.sweepGraceSeconds + 1);
    const first = await sweepOutbox(s.deps, { ...settings, sweepMaxOrders: 5 });
    expect(first).to.include({ orders: 5, incomplete: true });
    const second = await sweepOutbox(s.deps, { ...settings, sweepMaxOrders: 5 });
    expect(second).to.include({ orders: 2, incomplete: false });
    expect(new Set(s.bus.inner.sent.map((m) => m.message.order_id)).size).to.equal(7);
    expect(s.bus.inner.sent).to.have.length(7);
  });

  it('stops early while the bus is still down, leaving every entry pending for the next run', async () => {
    const s = setup({ 'sku-1': 100 });
    s.bus.down = true;
    for (let i = 0; i < 30; i++) await s.deliverDuringOutage(orderBody({ order_id: `d-${i}`, items: [{ product_id: 'sku-1', quantity: 1 }] }));
    s.advance(settings.sweepGraceSeconds + 1);
    const swept = await sweepOutbox(s.deps, settings);
    expect(swept.incomplete).to.equal(true);
    expect(swept.failed).to.be.below(30);
    // a failed send gives its claim back: the next run can take every entry at once
    s.bus.down = false;
    expect(await sweepOutbox(s.deps, settings)).to.include({ orders: 30, relayed: 60, failed: 0 });
  });
});
