/**
 * Faults through a cloud entry point: the Lambda orders handler on DynamoDB Local, fed SQS
 * batches built from the real fixture the way an event source mapping with
 * ReportBatchItemFailures feeds it. The records it lists come back with ApproximateReceiveCount
 * one higher; after maxReceiveCount they go to the DLQ, as the redrive policy would move them.
 * With placeOrder, the payment send and markSent failing, every order ends placed exactly once
 * or in the DLQ, stock matches the placed orders, and a redrive with the faults gone finishes all
 * (the scenario itself is `ordersThroughFaults` in test/support/reliability-faults.ts).
 */
import { createOrdersHandler } from '../../adapters/aws/orders';
import type { SqsRecord } from '../../adapters/aws/events/queue-message';
import { systemClock } from '../../handlers/ports/clock';
import { silentLogger } from '../../handlers/ports/logger';
import { eventFixture } from '../support/fixtures';
import { MemoryDeadLetters } from '../support/memory';
import { ordersThroughFaults } from '../support/reliability-faults';
import { ordersSettings } from '../support/reliability-orders';
import { scale } from '../support/reliability-scale';
import { storesUnderTest, useStore } from '../support/reliability-stores';

/** Lower than the default 5 (any 1 to 1,000 is allowed) so that faults fill the DLQ. */
const MAX_RECEIVE_COUNT = 3;
/** The event source mapping's batch size. */
const BATCH_SIZE = 10;

const store = storesUnderTest.find((s) => s.name === 'DynamoDB Local')!;

describe(`reliability: faults through the Lambda orders handler on ${store.name}`, function () {
  this.timeout(180_000);
  const open = useStore(store);

  it('places every order once or leaves it in the DLQ, and a redrive finishes the work', async () => {
    const template = eventFixture<{ Records: SqsRecord[] }>('aws', 'sqs-batch-2-records.json').Records[0];
    const deadLetters = new MemoryDeadLetters();
    await ordersThroughFaults(
      {
        name: `Lambda orders handler (SQS) on ${store.name}`,
        maxReceives: MAX_RECEIVE_COUNT,
        batchSize: BATCH_SIZE,
        ledger: open().ledger,
        entry: ({ ledger, bus }) => {
          const handler = createOrdersHandler({ deps: { ledger, bus, clock: systemClock, logger: silentLogger }, deadLetters, settings: ordersSettings });
          return async (batch) => {
            const records = batch.map((m) => ({
              ...template,
              messageId: m.id,
              body: m.body,
              attributes: { ...template.attributes, ApproximateReceiveCount: String(m.receives) },
            }));
            const { batchItemFailures } = await handler({ Records: records });
            return batchItemFailures.map((f) => f.itemIdentifier);
          };
        },
        adapterDeadLetters: async () => deadLetters.letters,
      },
      scale.faultOrders,
    );
  });
});
