/**
 * The MessageBus contract against Google's Pub/Sub emulator: each logical name is a topic with a
 * subscription of our own that the harness pulls from (the real peer, not the bus under test).
 * Also the dead-letter sink: the envelope arrives as JSON with its `function` attribute.
 */
import { PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { PubSubDeadLetters } from '../../../../adapters/gcp/ports/dead-letters';
import { PubSubMessageBus } from '../../../../adapters/gcp/ports/message-bus';
import { describeMessageBusContract, type DeliveredMessage } from '../../../contracts/message-bus.contract';
import { gcpPeers, gcpPeersMissing } from '../../../support/gcp-peers';
import { collect, createTopicWithSubscription } from '../support/pubsub-helpers';

const missing = gcpPeersMissing();
const run = randomUUID().slice(0, 8);

describe('GCP Pub/Sub ports', function () {
  this.timeout(60_000);
  let pubsub: PubSub | undefined;
  const subscriptions: Subscription[] = [];

  before(async function () {
    if (missing) {
      console.warn(`skipping: ${missing}`);
      this.skip();
    }
    const { projectId } = await gcpPeers();
    pubsub = new PubSub({ projectId });
  });
  after(async () => {
    await Promise.all(subscriptions.map((s) => s.close()));
    await pubsub?.close();
  });

  describeMessageBusContract('pubsub emulator', async () => {
    const [payments, events] = await Promise.all([
      createTopicWithSubscription(pubsub!, `payments-${run}`),
      createTopicWithSubscription(pubsub!, `events-${run}`),
    ]);
    const onPayments = collect(payments.subscription);
    const onEvents = collect(events.subscription);
    subscriptions.push(payments.subscription, events.subscription);
    return {
      bus: new PubSubMessageBus(pubsub!, { payments: `payments-${run}`, events: `events-${run}` }),
      queue: 'payments',
      topic: 'events',
      receivedOnQueue: () => onPayments.settle().then(asDelivered),
      receivedOnTopic: () => onEvents.settle().then(asDelivered),
    };
  });

  it('refuses a logical name it has no topic for, rather than guessing one', async () => {
    const bus = new PubSubMessageBus(pubsub!, { payments: `payments-${run}` });
    let thrown: unknown;
    await bus.publish('events', { order_id: 'x' }, { attributes: {} }).catch((err: unknown) => (thrown = err));
    expect(String(thrown)).to.match(/no Pub\/Sub topic is configured for "events"/);
  });

  it('publishes a dead letter as the JSON envelope with function and reason attributes', async () => {
    const { subscription } = await createTopicWithSubscription(pubsub!, `dead-${run}`);
    subscriptions.push(subscription);
    const received = collect(subscription);
    const letter = { function: 'orders' as const, reason: 'x'.repeat(2000), attempts: 1, failed_at: '2026-01-01T00:00:00.000Z', message: '{}' };
    await new PubSubDeadLetters(pubsub!, `dead-${run}`).record(letter);
    const [got] = await received.settle(1);
    expect(JSON.parse(got.data.toString())).to.deep.equal(letter);
    expect(got.attributes.function).to.equal('orders');
    expect(got.attributes.reason.length, 'attribute kept under the 1,024-byte limit').to.be.at.most(1024);
  });
});

function asDelivered(messages: Message[]): DeliveredMessage[] {
  return messages.map((m) => ({ body: JSON.parse(m.data.toString()) as Record<string, unknown>, attributes: { ...m.attributes } }));
}
