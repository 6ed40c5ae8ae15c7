/**
 * The orders entry point through a real Functions Framework server (`getTestServer('orders')`),
 * over HTTP, with the real wiring on the Firestore and Pub/Sub emulators. Every GCP Pub/Sub
 * fixture is delivered in its form: the push envelope, the structured messagePublished CloudEvent,
 * and the binary one (ce- headers with the envelope as body).
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
// Registers the `orders` target; its wiring is built on the first invocation, after functionsEnv().
import '../../../adapters/gcp/orders';
import { FirestoreOrderLedger } from '../../../adapters/gcp/ports/order-ledger';
import { firestoreClient } from '../../../adapters/gcp/wiring';
import { eventFixture } from '../../support/fixtures';
import { gcpPeersMissing } from '../../support/gcp-peers';
import { functionsEnv, type FunctionsEnv } from './support/functions-env';
import { serveFunction, type ServedFunction } from './support/serve';

interface PushEnvelope {
  subscription: string;
  message: { data: string; attributes?: Record<string, string>; messageId: string; publishTime: string };
}
interface MessagePublished {
  specversion: string;
  type: string;
  source: string;
  id: string;
  time: string;
  datacontenttype: string;
  data: PushEnvelope;
}

const missing = gcpPeersMissing();
const uid = () => randomUUID().slice(0, 12);

describe('GCP orders function (Functions Framework over HTTP)', function () {
  this.timeout(60_000);
  let env: FunctionsEnv;
  let fn: ServedFunction;
  let ledger: FirestoreOrderLedger;

  before(async function () {
    if (missing) {
      console.warn(`skipping: ${missing}`);
      this.skip();
    }
    env = await functionsEnv();
    fn = await serveFunction('orders');
    ledger = new FirestoreOrderLedger(firestoreClient());
  });
  after(async () => {
    await fn?.close();
  });

  const pushFixture = () => eventFixture<PushEnvelope>('gcp', 'pubsub-message-published-data-text.json');
  const structuredFixture = () => eventFixture<MessagePublished>('gcp', 'pubsub-message-published.cloudevent-structured.json');

  function withBody(envelope: PushEnvelope, body: string): PushEnvelope {
    return { ...envelope, message: { ...envelope.message, messageId: `m-${uid()}`, data: Buffer.from(body).toString('base64') } };
  }

  const deliveries = {
    push: (envelope: PushEnvelope) =>
      fetch(fn.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope) }),
    structured: (envelope: PushEnvelope) =>
      fetch(fn.url, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({ ...structuredFixture(), data: envelope }),
      }),
    binary: (envelope: PushEnvelope) => {
      const { data: _data, ...attributes } = structuredFixture();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (const [k, v] of Object.entries(attributes)) if (k !== 'datacontenttype') headers[`ce-${k}`] = v;
      return fetch(fn.url, { method: 'POST', headers, body: JSON.stringify(envelope) });
    },
  };

  async function deadLetterFor(text: string) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = env.received.ordersDeadLetters.messages
        .map((m) => JSON.parse(m.data.toString()) as Record<string, unknown>)
        .find((l) => l.message === text);
      if (found || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  for (const [form, fixture] of [
    ['push envelope', pushFixture],
    ['structured CloudEvent', () => structuredFixture().data],
    ['binary CloudEvent', pushFixture],
  ] as const) {
    it(`${form} fixture ("test message 3", not an order): dead-lettered with its reason and acknowledged`, async () => {
      const envelope = fixture();
      const text = `test message 3 ${uid()}`;
      const res = await deliveries[form === 'push envelope' ? 'push' : form === 'structured CloudEvent' ? 'structured' : 'binary'](
        withBody(envelope, text),
      );
      expect(res.status).to.equal(204);
      const letter = await deadLetterFor(text);
      expect(letter, 'dead letter').to.include({ function: 'orders', attempts: 1 });
      expect(String(letter!.reason)).to.match(/JSON/);
    });
  }

  it('delivers the fixtures exactly as captured, each dead-lettered and acknowledged', async () => {
    const letters = () =>
      env.received.ordersDeadLetters.messages.filter((m) => JSON.parse(m.data.toString()).message === 'test message 3').length;
    const before = letters();
    expect((await deliveries.push(pushFixture())).status).to.equal(204);
    expect((await deliveries.structured(structuredFixture().data)).status).to.equal(204);
    const res = await fetch(fn.url, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(structuredFixture()),
    });
    expect(res.status).to.equal(204);
    await env.received.ordersDeadLetters.settle(before + 3);
    expect(letters()).to.equal(before + 3);
  });

  for (const form of ['push', 'structured', 'binary'] as const) {
    it(`places an order delivered as ${form}, relays its payment and event, and places it once when redelivered`, async () => {
      const product = `p-${uid()}`;
      await ledger.setStock(product, 5);
      const orderId = `o-${uid()}`;
      const order = { order_id: orderId, user_id: 'u-1', items: [{ product_id: product, quantity: 2 }], total_amount: 1998, currency: 'eur' };
      const envelope = withBody(pushFixture(), JSON.stringify(order));
      expect((await deliveries[form](envelope)).status).to.equal(204);
      expect((await deliveries[form](envelope)).status, 'redelivery').to.equal(204);
      expect(await ledger.getStock(product)).to.equal(3);
      expect((await ledger.getOrder(orderId))!.status).to.equal('PLACED');
      await env.received.events.settle(1);
      const payments = (await env.received.payments.settle(1)).filter((m) => m.attributes.order_id === orderId);
      expect(payments).to.have.length(1);
      expect(JSON.parse(payments[0].data.toString())).to.include({ order_id: orderId });
      const events = env.received.events.messages.filter((m) => m.attributes.order_id === orderId);
      expect(events.map((m) => m.attributes.event_type)).to.deep.equal(['ORDER_CREATED']);
    });
  }

  it('writes one log line for a processed order, the core\'s, with function, outcome and duration', async () => {
    const product = `p-${uid()}`;
    await ledger.setStock(product, 1);
    const orderId = `o-${uid()}`;
    const order = { order_id: orderId, user_id: 'u-1', items: [{ product_id: product, quantity: 1 }], total_amount: 100, currency: 'eur' };
    // the server runs in this process: its Cloud Logging lines go through this stdout
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      expect((await deliveries.push(withBody(pushFixture(), JSON.stringify(order)))).status).to.equal(204);
    } finally {
      process.stdout.write = write;
    }
    const about = lines.filter((l) => l.includes(orderId)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(about.map((l) => l.message)).to.deep.equal(['order processed']);
    expect(about[0]).to.include({ severity: 'INFO', function: 'orders', outcome: 'placed' });
    expect(about[0].duration_ms).to.be.a('number');
  });

  it('dead-letters a CloudEvent of another type rather than reading it as an order', async () => {
    const text = JSON.stringify({ order_id: `o-${uid()}` });
    const res = await fetch(fn.url, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ ...structuredFixture(), type: 'google.cloud.storage.object.v1.finalized', data: withBody(pushFixture(), text) }),
    });
    expect(res.status).to.equal(204);
    const letters = await env.received.ordersDeadLetters.settle(1);
    expect(letters.some((m) => String(JSON.parse(m.data.toString()).reason).includes('google.cloud.storage.object.v1.finalized'))).to.equal(true);
  });
});
