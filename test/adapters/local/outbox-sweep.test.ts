/**
 * The local runtime's outbox sweeper: a timer that relays orders left pending by a bus outage,
 * through the local payments queue and events topic, one run at a time.
 */
import { expect } from 'chai';
import { localQueues } from '../../../adapters/local/environment';
import { OutboxSweepTimer, sweepIntervalMs } from '../../../adapters/local/outbox-sweep';
import { orderFingerprint } from '../../../handlers/orders/fingerprint';
import { outboxIfPlaced } from '../../../handlers/orders/outbox';
import { localHarness, type LocalHarness } from './local-harness';

describe('local outbox sweeper', function () {
  this.timeout(30_000);
  let h: LocalHarness;
  beforeEach(() => (h = localHarness()));
  afterEach(() => h.dispose());

  async function strandedOrder(id: string, minutesAgo: number) {
    const order = { order_id: id, user_id: 'u1', items: [{ product_id: 'p1', quantity: 1 }], total_amount: 100, currency: 'EUR' };
    await h.ports.ledger.setStock('p1', 100);
    const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await h.ports.ledger.placeOrder({ order, at, outboxIfPlaced: outboxIfPlaced(order, at), outboxIfCancelled: [], fingerprint: orderFingerprint(order) });
  }

  it('relays, on its timer, a stranded order\'s payment request and event once, and leaves a young one alone', async () => {
    await strandedOrder('stranded-1', 10);
    await strandedOrder('young-1', 0);
    const timer = new OutboxSweepTimer(h.ports, 20);
    timer.start();
    const deadline = Date.now() + 20_000;
    while ((await h.ports.ledger.pendingOutbox('stranded-1')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100)); // a few more ticks: nothing is sent twice
    await timer.stop();
    const payments = h.ports.queue(localQueues.payments).peek().map((m) => JSON.parse(m.body).order_id);
    expect(payments).to.deep.equal(['stranded-1']);
    expect(await h.ports.ledger.pendingOutbox('stranded-1')).to.deep.equal([]);
    expect(await h.ports.ledger.pendingOutbox('young-1')).to.have.length(2);
  });

  it('runs one sweep at a time: a second call while one runs gets the same run', async () => {
    await strandedOrder('stranded-2', 10);
    const timer = new OutboxSweepTimer(h.ports, 60_000);
    const [a, b] = [timer.sweep(), timer.sweep()];
    expect(a).to.equal(b);
    expect((await a)?.relayed).to.equal(2);
  });

  it('reads its interval from LOCAL_OUTBOX_SWEEP_SECONDS, 300 s by default, and refuses nonsense', () => {
    expect(sweepIntervalMs({})).to.equal(300_000);
    expect(sweepIntervalMs({ LOCAL_OUTBOX_SWEEP_SECONDS: '2' })).to.equal(2_000);
    expect(() => sweepIntervalMs({ LOCAL_OUTBOX_SWEEP_SECONDS: 'soon' })).to.throw(/LOCAL_OUTBOX_SWEEP_SECONDS/);
  });
});
