/**
 * Faults through the Azure orders entry point (the storage queue trigger) on Azurite's tables.
 * Messages are handed over as the Functions host does: up to host.json `batchSize` at once, each
 * its own invocation, JSON text parsed, `dequeueCount` in the trigger metadata. A message whose
 * invocation throws becomes visible again; after host.json `maxDequeueCount` deliveries the host
 * moves it to `<queue>-poison`. With placeOrder, the payment send and markSent failing, every order
 * ends placed exactly once or poisoned, stock matches the placed orders, and a redrive with the
 * faults gone finishes all (the scenario is `ordersThroughFaults` in reliability-faults.ts).
 */
import type { QueueClient } from '@azure/storage-queue';
import host from '../../adapters/azure/host.json';
import { ordersHandler } from '../../adapters/azure/orders';
import { maxDequeueCount, poisonQueueName } from '../../adapters/azure/queue-encoding';
import { ordersPorts } from '../../adapters/azure/wiring';
import { context, takePoisonLetters, useAzureApp } from '../adapters/azure/app-harness';
import { ordersThroughFaults } from '../support/reliability-faults';
import { scale } from '../support/reliability-scale';
import { storesUnderTest, useStore } from '../support/reliability-stores';

const store = storesUnderTest.find((s) => s.name === 'Azurite tables')!;

/** The item the host hands the function: the text parsed when it is JSON (the host does that). */
function itemOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describe(`reliability: faults through the Azure orders queue trigger on ${store.name}`, function () {
  this.timeout(180_000);
  const open = useStore(store);
  const peers = useAzureApp();
  let poison: QueueClient;

  before(() => {
    const { app } = peers();
    poison = app.queues.getQueueClient(poisonQueueName(app.names.orders));
  });

  it('places every order once or leaves it in the poison queue, and a redrive finishes the work', async () => {
    await ordersThroughFaults(
      {
        name: `Azure orders queue trigger on ${store.name}`,
        maxReceives: maxDequeueCount,
        batchSize: host.extensions.queues.batchSize,
        ledger: open().ledger,
        entry: ({ ledger, bus }) => {
          // The handler reads its ports from the wiring's per-process cache (the Azure adapter has
          // no factory taking them, unlike createOrdersHandler on AWS): the test swaps the ledger
          // and bus of that cached object for the fault-injecting ones. The poison queue is real.
          Object.assign(ordersPorts(), { ledger, bus });
          return async (batch) => {
            const again: string[] = [];
            await Promise.all(
              batch.map(async (m) => {
                const item = itemOf(m.body);
                try {
                  await ordersHandler(item, context('orders', { queueTrigger: item, id: m.id, dequeueCount: m.receives }));
                } catch {
                  again.push(m.id);
                }
              }),
            );
            return again;
          };
        },
        adapterDeadLetters: () => takePoisonLetters(poison),
      },
      scale.faultOrders,
    );
  });
});
