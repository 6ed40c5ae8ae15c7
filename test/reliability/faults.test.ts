/**
 * Faults, through the local durable queue and the local entry points: a port wrapper fails
 * chosen calls before or after each write of placeOrder, after stock is reserved but before
 * the payment request, and on the images blob write. Every message ends processed exactly once
 * or dead-lettered with its reason, nothing is half-applied, and re-running the queue (a redrive
 * of the dead letters with the faults gone) completes the work.
 */
import { expect } from 'chai';
import { localBuckets, localQueues } from '../../adapters/local/environment';
import { objectCreatedMessage } from '../../adapters/local/events/object-created';
import type { LocalPorts } from '../../adapters/local/wiring';
import { everyNth, expectNothingHalfApplied, FaultInjector, nthCall, type FaultRule, type FaultTiming } from '../support/reliability-faults';
import { imageFixture } from '../support/fixtures';
import { localQueueRun, type LocalQueueRun } from '../support/reliability-local-queue';
import { orderBody } from '../support/reliability-orders';
import { scale } from '../support/reliability-scale';
import { tally } from '../support/reliability-tally';

const STOCK = 1_000_000;
const PRODUCTS = ['fault-a', 'fault-b', 'fault-c'];

interface OrderFault {
  name: string;
  port: 'ledger' | 'bus';
  method: string;
  timing: FaultTiming;
}

/** Every step of placing and relaying an order, failed before and after it ran. */
const orderFaults: OrderFault[] = [
  ...(['before', 'after'] as const).flatMap((timing) => [
    { name: `placeOrder fails ${timing} its transaction`, port: 'ledger' as const, method: 'placeOrder', timing },
    // stock is reserved (placeOrder committed), the payment request is not yet out
    { name: `the payment request send fails ${timing} sending`, port: 'bus' as const, method: 'send', timing },
    { name: `the event publish fails ${timing} publishing`, port: 'bus' as const, method: 'publish', timing },
    { name: `markSent fails ${timing} its write`, port: 'ledger' as const, method: 'markSent', timing },
    { name: `reading the outbox fails ${timing} the read`, port: 'ledger' as const, method: 'pendingOutbox', timing },
  ]),
];

function withFaults(ports: LocalPorts, injector: FaultInjector, port: string, rules: FaultRule[]): LocalPorts {
  return {
    ...ports,
    ledger: port === 'ledger' ? injector.wrap('ledger', ports.ledger, rules) : ports.ledger,
    bus: port === 'bus' ? injector.wrap('bus', ports.bus, rules) : ports.bus,
    blobs: port === 'blobs' ? injector.wrap('blobs', ports.blobs, rules) : ports.blobs,
  };
}

describe('reliability: faults through the local durable queue', function () {
  this.timeout(120_000);
  let run: LocalQueueRun;
  beforeEach(async () => {
    run = localQueueRun();
    for (const p of PRODUCTS) await run.ports.ledger.setStock(p, STOCK);
  });
  afterEach(() => run.dispose());

  for (const fault of orderFaults) {
    it(`${fault.name}: every order placed once, or dead-lettered and finished by a redrive`, async () => {
      const orders = Array.from({ length: scale.faultOrders }, (_, i) =>
        orderBody(`f-${fault.port}-${fault.method}-${fault.timing}-${i}`, [
          { product_id: PRODUCTS[i % 3], quantity: 1 + (i % 2) },
          { product_id: PRODUCTS[(i + 1) % 3], quantity: 1 },
        ]),
      );
      const queue = run.ports.queue(localQueues.orders);
      for (const o of orders) queue.enqueue(JSON.stringify(o), { order_id: o.order_id });
      const bad = ['{"order_id": "x"', '[]', JSON.stringify({ ...orders[0], items: [] })];
      for (const b of bad) queue.enqueue(b);

      // every other call fails, and only 2 receives are allowed: some orders must dead-letter
      const injector = new FaultInjector();
      const rules = [{ method: fault.method, timing: fault.timing, fails: everyNth(2) }];
      await run.drain('orders', withFaults(run.ports, injector, fault.port, rules), { maxReceives: 2 });
      expect(injector.injected.length, 'faults injected').to.be.greaterThan(0);
      await expectNothingHalfApplied(run.ports.ledger, orders, PRODUCTS, STOCK);

      const letters = run.deadLetters('orders');
      for (const l of letters) expect(l.envelope.reason, JSON.stringify(l.envelope)).to.be.a('string').and.not.equal('');
      const badLetters = letters.filter((l) => bad.includes(l.envelope.message ?? ''));
      expect(badLetters.map((l) => l.envelope.attempts), 'bad input dead-lettered on its first delivery').to.deep.equal([1, 1, 1]);
      const faulted = letters.filter((l) => !bad.includes(l.envelope.message ?? ''));
      for (const l of faulted) expect(l.envelope.reason).to.match(/injected fault/);
      tally('faults injected', injector.injected.length);
      tally('faults: orders dead-lettered by faults, then redriven', faulted.length);

      // re-running the queue, faults gone: the dead-lettered orders finish
      // the bad input stays dead: only the orders the faults killed are redriven
      run.ports.db
        .prepare("DELETE FROM dead_letters WHERE queue = ? AND json_extract(envelope, '$.reason') NOT LIKE '%injected fault%'")
        .run(localQueues.orders);
      run.redrive('orders');
      await run.drain('orders', run.ports);
      expect(run.deadLetters('orders')).to.deep.equal([]);
      await expectNothingHalfApplied(run.ports.ledger, orders, PRODUCTS, STOCK);
      const paid = run.paymentsByOrder();
      for (const o of orders) {
        expect((await run.ports.ledger.getOrder(o.order_id))?.status, o.order_id).to.equal('PLACED');
        expect(await run.ports.ledger.pendingOutbox(o.order_id), `outbox of ${o.order_id}`).to.deep.equal([]);
        expect(paid.get(o.order_id), `payment requests for ${o.order_id}`).to.be.at.least(1);
      }
      expect(paid.size, 'distinct payment requests').to.equal(orders.length);
      tally('messages processed', orders.length + bad.length);
      tally('bad inputs tried', bad.length);
      tally('lost (orders without a payment request)', orders.filter((o) => !paid.has(o.order_id)).length);
    });
  }

  for (const timing of ['before', 'after'] as const) {
    it(`the compressed blob write fails ${timing} writing: every upload compressed once a retry or redrive runs`, async () => {
      const fixtures = ['exif-orientation-Landscape_6.jpg', 'png-rgba-8bit-basn6a08.png', 'jpeg-grayscale-hopper.jpg', 'tiny-1x1.png'];
      const keys = fixtures.map((f) => `faults/${timing}/${f}`);
      for (const [i, key] of keys.entries()) {
        const bytes = imageFixture(fixtures[i]);
        await run.ports.blobs.put(localBuckets.originals, key, bytes, { contentType: 'application/octet-stream', metadata: {} });
        const head = await run.ports.blobs.head(localBuckets.originals, key);
        run.ports.queue(localQueues.images).enqueue(
          objectCreatedMessage({ bucket: localBuckets.originals, key, size: bytes.length, etag: head?.etag ?? '', eventTime: new Date().toISOString() }),
          { bucket: localBuckets.originals, key },
        );
      }
      const injector = new FaultInjector();
      // the first write fails, then every second one; with one receive allowed, the first upload dead-letters
      const rules = [{ method: 'put', timing, fails: (n: number) => nthCall(1)(n) || everyNth(2)(n) }];
      await run.drain('images', withFaults(run.ports, injector, 'blobs', rules), { maxReceives: 1 });
      const letters = run.deadLetters('images');
      expect(letters.length, 'uploads dead-lettered').to.be.greaterThan(0);
      for (const l of letters) {
        expect(l.envelope.reason).to.match(/injected fault/);
        expect(keys).to.include(l.envelope.object_key);
      }
      tally('faults injected', injector.injected.length);
      run.redrive('images');
      await run.drain('images', run.ports);
      expect(run.deadLetters('images')).to.deep.equal([]);
      for (const key of keys) {
        const compressed = await run.ports.blobs.head(localBuckets.compressed, `compressed/${key}`);
        expect(compressed, key).to.not.equal(undefined);
        expect(compressed!.contentType).to.equal('image/jpeg');
        expect(compressed!.metadata['original-size'], key).to.equal(String(imageFixture(fixtures[keys.indexOf(key)]).length));
      }
      tally('messages processed', keys.length + letters.length);
    });
  }
});
