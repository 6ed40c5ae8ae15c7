/**
 * Faults through the GCP orders entry point (the Pub/Sub push function) on the Firestore emulator.
 * Messages are handed over as push requests from a subscription with a dead-letter policy: one
 * message per request, several in flight, `deliveryAttempt` counting this one. A 2xx acknowledges;
 * any other status makes Pub/Sub redeliver, and after `maxDeliveryAttempts` (ordersSpec's
 * maxDeliveries, which infra/gcp sets on the subscription) it forwards the message to the
 * dead-letter topic. With placeOrder, the payment send and markSent failing, every order ends
 * placed exactly once or dead-lettered, stock matches the placed orders, and a redrive with the
 * faults gone finishes all (the scenario is `ordersThroughFaults` in reliability-faults.ts).
 */
import { createOrdersFunction } from '../../adapters/gcp/orders';
import { systemClock } from '../../handlers/ports/clock';
import { silentLogger } from '../../handlers/ports/logger';
import { MemoryDeadLetters } from '../support/memory';
import { ordersThroughFaults } from '../support/reliability-faults';
import { ordersSettings } from '../support/reliability-orders';
import { scale } from '../support/reliability-scale';
import { storesUnderTest, useStore } from '../support/reliability-stores';

const store = storesUnderTest.find((s) => s.name === 'Firestore emulator')!;

describe(`reliability: faults through the GCP orders push function on the ${store.name}`, function () {
  this.timeout(600_000);
  const open = useStore(store);

  it('places every order once or leaves it on the dead-letter topic, and a redrive finishes the work', async () => {
    const deadLetters = new MemoryDeadLetters();
    await ordersThroughFaults(
      {
        name: `GCP orders push function on the ${store.name}`,
        maxReceives: ordersSettings.maxDeliveries,
        // Pub/Sub push has no batches: messages arrive as concurrent requests, here 16 at a time
        batchSize: 16,
        ledger: open().ledger,
        entry: ({ ledger, bus }) => {
          const fn = createOrdersFunction(() => ({ deps: { ledger, bus, clock: systemClock, logger: silentLogger }, settings: ordersSettings, deadLetters }));
          return async (batch) => {
            const again: string[] = [];
            await Promise.all(
              batch.map(async (m) => {
                const body = {
                  message: { data: Buffer.from(m.body).toString('base64'), messageId: m.id, attributes: {} },
                  subscription: 'projects/p/subscriptions/orders',
                  deliveryAttempt: m.receives,
                };
                let status = 0;
                const res = { status: (s: number) => ((status = s), res), end: () => res, send: () => res };
                try {
                  await fn({ headers: { 'content-type': 'application/json' }, body, rawBody: Buffer.from(JSON.stringify(body)) } as never, res as never);
                } catch {
                  status = 500; // what the Functions Framework answers when the function throws
                }
                if (status < 200 || status > 299) again.push(m.id);
              }),
            );
            return again;
          };
        },
        adapterDeadLetters: async () => deadLetters.letters,
      },
      scale.faultOrders,
    );
  });
});
