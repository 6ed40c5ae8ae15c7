/**
 * Faults through a cloud entry point: the Lambda orders handler on DynamoDB Local, fed SQS
 * batches built from the real fixture the way an event source mapping with
 * ReportBatchItemFailures feeds it. The records it lists come back with ApproximateReceiveCount
 * one higher; after maxReceiveCount they go to the DLQ, as the redrive policy would move them.
 * With placeOrder, the payment send and markSent failing, every order ends placed exactly once
 * or in the DLQ, stock matches the placed orders, and a redrive with the faults gone finishes all.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createOrdersHandler } from '../../adapters/aws/orders';
import { DynamoOrderLedger } from '../../adapters/aws/ports/order-ledger';
import type { SqsRecord } from '../../adapters/aws/events/queue-message';
import { systemClock } from '../../handlers/ports/clock';
import { silentLogger } from '../../handlers/ports/logger';
import { dynamoPeer, type DynamoPeer } from '../support/aws-peers';
import { eventFixture } from '../support/fixtures';
import { MemoryDeadLetters } from '../support/memory';
import { everyNth, FaultInjector } from '../support/reliability-faults';
import { orderBody, ordersSettings, RecordingBus } from '../support/reliability-orders';
import { scale } from '../support/reliability-scale';
import { tally } from '../support/reliability-tally';

const MAX_RECEIVE_COUNT = 3;
const BATCH_SIZE = 10;

describe('reliability: faults through the Lambda orders handler on DynamoDB Local', function () {
  this.timeout(180_000);
  let peer: DynamoPeer;
  before(async function () {
    const started = await dynamoPeer();
    if (typeof started === 'string') {
      console.warn(`      skipped: ${started}`);
      this.skip();
    }
    peer = started as DynamoPeer;
  });

  it('places every order once or leaves it in the DLQ, and a redrive finishes the work', async () => {
    const { ordersTable } = await peer.createTables();
    const ledger = new DynamoOrderLedger(peer.doc, ordersTable);
    const product = `aws-fault-${randomUUID().slice(0, 8)}`;
    await ledger.setStock(product, 1_000_000);
    const template = eventFixture<{ Records: SqsRecord[] }>('aws', 'sqs-batch-2-records.json').Records[0];
    const orders = Array.from({ length: scale.faultOrders }, (_, i) => orderBody(`${product}-o${i}`, [{ product_id: product, quantity: 1 + (i % 3) }]));

    const injector = new FaultInjector();
    const bus = new RecordingBus();
    const deps = {
      ledger: injector.wrap('ledger', ledger, [
        { method: 'placeOrder', timing: 'after' as const, fails: everyNth(3) },
        { method: 'markSent', timing: 'before' as const, fails: everyNth(4) },
      ]),
      bus: injector.wrap('bus', bus, [{ method: 'send', timing: 'before' as const, fails: everyNth(3) }]),
      clock: systemClock,
      logger: silentLogger,
    };
    const handler = createOrdersHandler({ deps, deadLetters: new MemoryDeadLetters(), settings: ordersSettings });

    /** The queue: records waiting, with their receive counts; the DLQ the redrive policy fills. */
    const run = async (waiting: { id: string; body: string; receives: number }[]) => {
      const dlq: typeof waiting = [];
      while (waiting.length > 0) {
        const batch = waiting.splice(0, BATCH_SIZE).map((m) => ({ ...m, receives: m.receives + 1 }));
        const records = batch.map((m) => ({
          ...template,
          messageId: m.id,
          body: m.body,
          attributes: { ...template.attributes, ApproximateReceiveCount: String(m.receives) },
        }));
        const { batchItemFailures } = await handler({ Records: records });
        const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
        for (const m of batch) if (failed.has(m.id)) (m.receives >= MAX_RECEIVE_COUNT ? dlq : waiting).push(m);
      }
      return dlq;
    };
    const dlq = await run(orders.map((o) => ({ id: o.order_id, body: JSON.stringify(o), receives: 0 })));
    expect(injector.injected.length, 'faults injected').to.be.greaterThan(0);

    const placedTake = async () => {
      let taken = 0;
      for (const o of orders) if ((await ledger.getOrder(o.order_id))?.status === 'PLACED') taken += o.items[0].quantity;
      return taken;
    };
    // nothing half-applied: the stock taken is exactly what the recorded orders hold
    expect(await ledger.getStock(product)).to.equal(1_000_000 - (await placedTake()));
    tally('faults injected', injector.injected.length);
    tally('faults: orders left in the SQS DLQ by faults (AWS handler), then redriven', dlq.length);

    injector.enabled = false;
    const second = await run(dlq.map((m) => ({ ...m, receives: 0 })));
    expect(second, 'DLQ after the redrive').to.deep.equal([]);
    const paid = bus.paymentsByOrder();
    for (const o of orders) {
      expect((await ledger.getOrder(o.order_id))?.status, o.order_id).to.equal('PLACED');
      expect(await ledger.pendingOutbox(o.order_id), o.order_id).to.deep.equal([]);
      expect(paid.has(o.order_id), `payment for ${o.order_id}`).to.equal(true);
    }
    expect(await ledger.getStock(product)).to.equal(1_000_000 - orders.reduce((n, o) => n + o.items[0].quantity, 0));
    tally('messages processed', orders.length + dlq.length);
    tally('lost (orders without a payment request)', orders.filter((o) => !paid.has(o.order_id)).length);
  });
});
