/**
 * The MessageBus contract: every implementation (memory, local, SQS/SNS, storage queue/Event Grid,
 * Pub/Sub) runs it. The harness reads back what reached the logical queue or topic through the
 * real peer (an SQS receive, a subscription), not through the implementation under test.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { MessageBus } from '../../handlers/ports/message-bus';

export interface DeliveredMessage {
  body: Record<string, unknown>;
  attributes: Record<string, string>;
}

export interface MessageBusHarness {
  bus: MessageBus;
  /** The logical names the bus maps (`payments`, `events`). */
  queue: string;
  topic: string;
  /** Everything that has reached the queue so far (waiting briefly for stragglers). */
  receivedOnQueue(): Promise<DeliveredMessage[]>;
  /** Everything that has reached a subscriber of the topic so far. */
  receivedOnTopic(): Promise<DeliveredMessage[]>;
}

export function describeMessageBusContract(name: string, makeHarness: () => Promise<MessageBusHarness>) {
  describe(`MessageBus contract: ${name}`, function () {
    this.timeout(30_000);
    let h: MessageBusHarness;
    before(async () => {
      h = await makeHarness();
    });

    it('sends a message whose body and dedup key arrive intact', async () => {
      const orderId = `o-${randomUUID()}`;
      await h.bus.send(h.queue, { order_id: orderId, amount: 1250, currency: 'EUR' }, { dedupKey: orderId });
      const got = (await h.receivedOnQueue()).filter((m) => m.body.order_id === orderId);
      expect(got).to.have.length.at.least(1);
      expect(got[0].body).to.deep.equal({ order_id: orderId, amount: 1250, currency: 'EUR' });
      expect(got[0].attributes.order_id, 'the dedup key as the order_id attribute').to.equal(orderId);
    });

    it('publishes an event with its attributes', async () => {
      const orderId = `o-${randomUUID()}`;
      await h.bus.publish(
        h.topic,
        { order_id: orderId, event_type: 'ORDER_CREATED' },
        { attributes: { event_type: 'ORDER_CREATED', order_id: orderId } },
      );
      const got = (await h.receivedOnTopic()).filter((m) => m.body.order_id === orderId);
      expect(got).to.have.length.at.least(1);
      expect(got[0].body.event_type).to.equal('ORDER_CREATED');
      expect(got[0].attributes.event_type).to.equal('ORDER_CREATED');
    });

    it('carries unicode and nested values through unchanged', async () => {
      const orderId = `o-${randomUUID()}`;
      const body = { order_id: orderId, note: 'Grüße, 東京 🚚', lines: [{ product_id: 'p 1', quantity: 2 }] };
      await h.bus.send(h.queue, body, { dedupKey: orderId });
      const got = (await h.receivedOnQueue()).filter((m) => m.body.order_id === orderId);
      expect(got[0].body).to.deep.equal(body);
    });
  });
}
