/**
 * End to end on the Pub/Sub emulator: an orders topic with a push subscription pointed at the
 * Functions Framework server running the `orders` target, with a dead-letter policy (5 delivery
 * attempts, the minimum Pub/Sub allows) to the orders dead-letter topic.
 *
 * Measured on this machine: the emulator honours dead-letter policies. It forwards the original
 * message after the 5th failed push with `CloudPubSubDeadLetterSource*` attributes, redelivers a
 * nacked push about every 1-3 s whatever the retry policy says, and never sends `deliveryAttempt`.
 * The transient failure is real: the payments topic is deleted, so relaying fails with NOT_FOUND.
 */
import type { PubSub, Topic } from '@google-cloud/pubsub';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import '../../../adapters/gcp/orders';
import { FirestoreOrderLedger } from '../../../adapters/gcp/ports/order-ledger';
import { orderFingerprint } from '../../../handlers/orders/fingerprint';
import { outboxIfPlaced } from '../../../handlers/orders/outbox';
import { SWEEP_REQUEST } from '../../../handlers/orders/sweeper';
import { firestoreClient } from '../../../adapters/gcp/wiring';
import { gcpPeersMissing } from '../../support/gcp-peers';
import { functionsEnv, type FunctionsEnv } from './support/functions-env';
import { collect } from './support/pubsub-helpers';
import { serveFunction, type ServedFunction } from './support/serve';

const missing = gcpPeersMissing();
const uid = () => randomUUID().slice(0, 12);

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('GCP orders end to end: Pub/Sub push subscription -> Functions Framework', function () {
  this.timeout(90_000);
  let env: FunctionsEnv;
  let fn: ServedFunction;
  let ledger: FirestoreOrderLedger;
  let orders: Topic;
  const run = uid();

  before(async function () {
    if (missing) {
      console.warn(`skipping: ${missing}`);
      this.skip();
    }
    env = await functionsEnv();
    fn = await serveFunction('orders');
    ledger = new FirestoreOrderLedger(firestoreClient());
    [orders] = await env.pubsub.createTopic(`orders-${run}`);
    await orders.createSubscription(`orders-${run}-push`, {
      pushConfig: { pushEndpoint: `${fn.url}/` },
      ackDeadlineSeconds: 30,
      deadLetterPolicy: { deadLetterTopic: env.pubsub.topic(env.topics.ordersDeadLetters).name, maxDeliveryAttempts: 5 },
      retryPolicy: { minimumBackoff: { seconds: 0, nanos: 100_000_000 }, maximumBackoff: { seconds: 1 } },
    });
  });
  after(async () => {
    await env?.pubsub.subscription(`orders-${run}-push`).delete().catch(() => undefined);
    await fn?.close();
  });

  async function order(quantity = 1) {
    const product = `p-${uid()}`;
    await ledger.setStock(product, 10);
    const body = { order_id: `o-${uid()}`, user_id: 'u-1', items: [{ product_id: product, quantity }], total_amount: 500, currency: 'EUR' };
    return { product, body, text: JSON.stringify(body) };
  }

  const paymentsFor = (orderId: string) => env.received.payments.messages.filter((m) => m.attributes.order_id === orderId);

  it('places good orders once each and relays one payment and one event per order', async () => {
    const batch = await Promise.all([order(1), order(2), order(3)]);
    for (const o of batch) await orders.publishMessage({ data: Buffer.from(o.text) });
    for (const [i, o] of batch.entries()) {
      await until(`payment of ${o.body.order_id}`, () => paymentsFor(o.body.order_id).length > 0);
      expect(await ledger.getStock(o.product)).to.equal(10 - (i + 1));
    }
    await env.received.payments.settle(1);
    for (const o of batch) {
      expect(paymentsFor(o.body.order_id)).to.have.length(1);
      expect(env.received.events.messages.filter((m) => m.attributes.order_id === o.body.order_id)).to.have.length(1);
    }
  });

  it('puts a poison order on the dead-letter topic at once, with its reason, and acknowledges it', async () => {
    const requestsBefore = fn.requests();
    const poison = JSON.stringify({ order_id: `o-${uid()}`, items: 'not a list' });
    await orders.publishMessage({ data: Buffer.from(poison) });
    const letter = await until('the dead letter', () =>
      env.received.ordersDeadLetters.messages.map((m) => JSON.parse(m.data.toString())).find((l) => l.message === poison),
    );
    expect(letter).to.include({ function: 'orders', attempts: 1 });
    expect(letter.reason).to.match(/user_id|items/);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(fn.requests() - requestsBefore, 'acknowledged on the first delivery, never redelivered').to.equal(1);
  });

  /** Deletes the payments topic (a real outage for the relay); returns how to bring it back. */
  async function paymentsOutage(pubsub: PubSub): Promise<() => Promise<void>> {
    await pubsub.topic(env.topics.payments).delete();
    return async () => {
      const [topic] = await pubsub.createTopic(env.topics.payments);
      // The old subscription was detached with the topic: collect from a new one.
      const [subscription] = await topic.createSubscription(`${env.topics.payments}-${uid()}`);
      env.received.payments = collect(subscription);
    };
  }

  it('lets Pub/Sub dead-letter a message that keeps failing transiently, after 5 deliveries', async () => {
    const o = await order();
    const restore = await paymentsOutage(env.pubsub);
    try {
      const requestsBefore = fn.requests();
      await orders.publishMessage({ data: Buffer.from(o.text) });
      const forwarded = await until(
        'the forwarded message',
        () => env.received.ordersDeadLetters.messages.find((m) => m.data.toString() === o.text),
        45_000,
      );
      expect(forwarded.attributes.CloudPubSubDeadLetterSourceDeliveryCount).to.equal('5');
      expect(fn.requests() - requestsBefore).to.equal(5);
      // The order was recorded on the first delivery and only its relay failed: placed once.
      expect(await ledger.getStock(o.product)).to.equal(9);
    } finally {
      await restore();
    }
  });

  it('redelivers an order whose relay failed transiently, then relays it once the outage ends', async () => {
    const o = await order();
    const restore = await paymentsOutage(env.pubsub);
    const seen = fn.statuses().length;
    await orders.publishMessage({ data: Buffer.from(o.text) });
    // Two answered deliveries, both refused: the message was redelivered. Restore between two
    // deliveries (they come 1-3 s apart), so the next one relays into the new subscription.
    await until('a redelivery', () => fn.statuses().length - seen >= 2);
    expect(fn.statuses().slice(seen)).to.deep.equal([503, 503]);
    await restore();
    await until(`payment of ${o.body.order_id}`, () => paymentsFor(o.body.order_id).length > 0);
    expect(await ledger.getStock(o.product), 'placed once across deliveries').to.equal(9);
    expect((await ledger.getOrder(o.body.order_id))!.status).to.equal('PLACED');
    await until('the outbox relayed', async () => (await ledger.pendingOutbox(o.body.order_id)).length === 0);
    expect(env.received.ordersDeadLetters.messages.some((m) => m.data.toString() === o.text), 'not dead-lettered').to.equal(false);
  });

  it('relays, when Cloud Scheduler POSTs the sweep request, what an order recorded during an outage left pending', async () => {
    const o = await order();
    // recorded ten minutes ago, its payment request never sent (its message dead-lettered)
    const at = new Date(Date.now() - 600_000).toISOString();
    await ledger.placeOrder({ order: o.body, at, outboxIfPlaced: outboxIfPlaced(o.body, at), outboxIfCancelled: [], fingerprint: orderFingerprint(o.body) });
    const res = await fetch(`${fn.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(SWEEP_REQUEST) });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.include({ failed: 0 });
    await until(`payment of ${o.body.order_id}`, () => paymentsFor(o.body.order_id).length > 0);
    expect(await ledger.pendingOutbox(o.body.order_id)).to.deep.equal([]);
    await env.received.payments.settle(1);
    expect(paymentsFor(o.body.order_id)).to.have.length(1);
  });
});
