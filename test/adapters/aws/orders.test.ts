/** The orders entry point on real SQS records, with DynamoDB Local and fauxqs behind it. */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createOrdersHandler } from '../../../adapters/aws/orders';
import { SqsDeadLetters } from '../../../adapters/aws/ports/dead-letters';
import { TransientError } from '../../../handlers/errors';
import type { PlaceOrderRequest } from '../../../handlers/ports/order-ledger';
import type { SqsEvent, SqsRecord } from '../../../adapters/aws/events/queue-message';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsSnsMessageBus } from '../../../adapters/aws/ports/message-bus';
import { SWEEP_REQUEST } from '../../../handlers/orders/sweeper';
import { drain } from '../../support/aws-queues';
import { eventFixture } from '../../support/fixtures';
import { deadEndpoint, ordersHarness } from './harness';

type Harness = Exclude<Awaited<ReturnType<typeof ordersHarness>>, string>;

const sqsFixtures = ['sqs-batch-2-records.json', 'sqs-batch-2-records-one-bad-body.json', 'sqs-1-record-message-attributes.json'];

/** A real captured record carrying `body` instead of its own. */
function recordWith(body: string, messageId = randomUUID()): SqsRecord {
  const record = eventFixture<SqsEvent>('aws', 'sqs-batch-2-records.json').Records![0];
  return { ...record, messageId, body };
}

function order(productId: string, quantity: number) {
  const order_id = `ord-${randomUUID()}`;
  return { order_id, body: JSON.stringify({ order_id, user_id: 'user-42', items: [{ product_id: productId, quantity }], total_amount: 2599, currency: 'eur' }) };
}

describe('aws orders entry point', function () {
  this.timeout(60_000);
  let h: Harness;

  /** The handler's wiring with a bus whose SQS and SNS endpoint refuses every connection. */
  async function busOutage() {
    const dead = await deadEndpoint();
    const fake = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1, endpoint: dead };
    const downBus = new SqsSnsMessageBus(new SQSClient(fake), new SNSClient(fake), { queues: { payments: h.payments.url }, topics: { events: h.events.topicArn } });
    return { ...h.wiring, deps: { ...h.wiring.deps, bus: downBus } };
  }
  before(async function () {
    const started = await ordersHarness();
    if (typeof started === 'string') {
      console.warn(`  skipped: ${started}`);
      this.skip();
    }
    h = started as Harness;
  });

  for (const file of sqsFixtures) {
    it(`dead-letters every record of ${file} (none is an order) with its reason, and retries none`, async () => {
      const event = eventFixture<SqsEvent>('aws', file);
      const reply = await createOrdersHandler(h.wiring)(event, { awsRequestId: 'req-1' });
      expect(reply).to.deep.equal({ batchItemFailures: [] });
      const letters = (await drain(h.sqs, h.deadLetters.url)).map((m) => JSON.parse(m.body));
      expect(letters.map((l) => l.message).sort()).to.deep.equal(event.Records!.map((r) => r.body).sort());
      for (const letter of letters) {
        const record = event.Records!.find((r) => r.body === letter.message)!;
        expect(letter.function).to.equal('orders');
        expect(letter.reason).to.be.a('string').and.not.equal('');
        expect(letter.attempts).to.equal(Number(record.attributes!.ApproximateReceiveCount));
        expect(Date.parse(letter.failed_at)).to.be.closeTo(Date.now(), 60_000);
      }
    });
  }

  it('places a valid order: stock reserved, payment request queued, ORDER_CREATED published', async () => {
    const product = `sku-${randomUUID().slice(0, 8)}`;
    await h.ledger.setStock(product, 5);
    const o = order(product, 2);
    const reply = await createOrdersHandler(h.wiring)({ Records: [recordWith(o.body)] });
    expect(reply).to.deep.equal({ batchItemFailures: [] });
    expect(await h.ledger.getStock(product)).to.equal(3);
    const payments = (await drain(h.sqs, h.payments.url)).filter((m) => JSON.parse(m.body).order_id === o.order_id);
    expect(payments).to.have.length(1);
    expect(payments[0].attributes.order_id).to.equal(o.order_id);
    expect(JSON.parse(payments[0].body)).to.include({ amount: 2599, currency: 'EUR' });
    const events = (await drain(h.sqs, h.events.queue.url)).filter((m) => JSON.parse(m.body).order_id === o.order_id);
    expect(events.map((m) => m.attributes.event_type)).to.deep.equal(['ORDER_CREATED']);
    expect((await h.ledger.getOrder(o.order_id))!.status).to.equal('PLACED');
  });

  it('dead-letters records that are not SQS messages, with their reason, and still places the good order', async () => {
    const product = `sku-${randomUUID().slice(0, 8)}`;
    await h.ledger.setStock(product, 5);
    const good = order(product, 2);
    const noBody = { ...recordWith('x'), body: undefined };
    const records = [null, 42, noBody, recordWith(good.body)] as unknown as SqsRecord[];
    const reply = await createOrdersHandler(h.wiring)({ Records: records }, { awsRequestId: 'req-malformed' });
    expect(reply, 'nothing to retry: the batch is not failed').to.deep.equal({ batchItemFailures: [] });
    expect(await h.ledger.getStock(product)).to.equal(3);
    expect((await h.ledger.getOrder(good.order_id))!.status).to.equal('PLACED');
    const letters = (await drain(h.sqs, h.deadLetters.url)).map((m) => JSON.parse(m.body));
    const byMessage = Object.fromEntries(letters.map((l) => [l.message, l]));
    expect(Object.keys(byMessage).sort()).to.deep.equal(['42', JSON.stringify(noBody), 'null'].sort());
    expect(byMessage.null.reason).to.match(/not an object \(null\)/);
    expect(byMessage['42'].reason).to.match(/not an object \(number\)/);
    expect(byMessage[JSON.stringify(noBody)]).to.include({ function: 'orders', attempts: 1 });
    expect(byMessage[JSON.stringify(noBody)].reason).to.match(/has no body/);
  });

  it('lists only the transiently failed records; the bad one is dead-lettered, not retried', async () => {
    const product = `sku-${randomUUID().slice(0, 8)}`;
    const good = order(product, 1);
    const goodRecord = recordWith(good.body);
    const badRecord = recordWith('{"order_id": 7}');
    const reply = await createOrdersHandler(await h.unreachableLedger())({ Records: [badRecord, goodRecord] });
    expect(reply).to.deep.equal({ batchItemFailures: [{ itemIdentifier: goodRecord.messageId }] });
    const letters = (await drain(h.sqs, h.deadLetters.url)).map((m) => JSON.parse(m.body));
    expect(letters.map((l) => l.message)).to.deep.equal(['{"order_id": 7}']);
    expect(letters[0].reason).to.match(/order_id/);
  });

  it('answers a redelivered order as a duplicate without reserving stock twice', async () => {
    const product = `sku-${randomUUID().slice(0, 8)}`;
    await h.ledger.setStock(product, 5);
    const o = order(product, 2);
    const handler = createOrdersHandler(h.wiring);
    await handler({ Records: [recordWith(o.body)] });
    expect(await handler({ Records: [recordWith(o.body)] })).to.deep.equal({ batchItemFailures: [] });
    expect(await h.ledger.getStock(product)).to.equal(3);
    await drain(h.sqs, h.payments.url);
    await drain(h.sqs, h.events.queue.url);
  });

  describe('FIFO queues (records carry MessageGroupId)', () => {
    /** A FIFO record: Lambda's SQS FIFO event carries MessageGroupId, SequenceNumber and MessageDeduplicationId (with-sqs.html). */
    const fifo = (body: string, group: string, sequence: number): SqsRecord => {
      const r = recordWith(body);
      return { ...r, attributes: { ...r.attributes, MessageGroupId: group, SequenceNumber: String(18849496460467696128n + BigInt(sequence)), MessageDeduplicationId: r.messageId } };
    };
    /** The harness's ledger, with placeOrder failing transiently for some orders and every call logged. */
    const ledgerFailing = (failing: Set<string>, calls: string[]) => {
      const ledger = h.wiring.deps.ledger;
      return new Proxy(ledger, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (prop !== 'placeOrder' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return async (request: PlaceOrderRequest, ...rest: unknown[]) => {
            const id = request.order.order_id;
            calls.push(`start ${id}`);
            try {
              if (failing.has(id)) throw new TransientError(`ledger unavailable for ${id}`);
              return await (value as (...a: unknown[]) => Promise<unknown>).call(target, request, ...rest);
            } finally {
              calls.push(`end ${id}`);
            }
          };
        },
      });
    };

    // Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html, "Implementing
    // partial batch responses": with FIFO, stop at the first failure and return it and every unprocessed message.
    it('stops a group at its first failure and reports it and every later record of that group; other groups go on', async () => {
      const product = `sku-${randomUUID().slice(0, 8)}`;
      await h.ledger.setStock(product, 10);
      const [a1, a2, a3, b1] = [order(product, 1), order(product, 1), order(product, 1), order(product, 1)];
      const records = [fifo(a1.body, 'A', 1), fifo(b1.body, 'B', 2), fifo(a2.body, 'A', 3), fifo(a3.body, 'A', 4)];
      const calls: string[] = [];
      const wiring = { ...h.wiring, deps: { ...h.wiring.deps, ledger: ledgerFailing(new Set([a2.order_id]), calls) } };
      const reply = await createOrdersHandler(wiring)({ Records: records });
      expect(reply.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal([records[2].messageId, records[3].messageId]);
      // a3 was never placed: only a1 and b1 took stock.
      expect(calls.filter((c) => c.startsWith('start')).sort()).to.deep.equal([`start ${a1.order_id}`, `start ${a2.order_id}`, `start ${b1.order_id}`].sort());
      expect(await h.ledger.getStock(product)).to.equal(8);
      await drain(h.sqs, h.payments.url);
      await drain(h.sqs, h.events.queue.url);
    });

    it('places the records of one group one after another, in order', async () => {
      const product = `sku-${randomUUID().slice(0, 8)}`;
      await h.ledger.setStock(product, 10);
      const orders = [order(product, 1), order(product, 1), order(product, 1)];
      const calls: string[] = [];
      const wiring = { ...h.wiring, deps: { ...h.wiring.deps, ledger: ledgerFailing(new Set(), calls) } };
      expect(await createOrdersHandler(wiring)({ Records: orders.map((o, i) => fifo(o.body, 'G', i)) })).to.deep.equal({ batchItemFailures: [] });
      expect(calls).to.deep.equal(orders.flatMap((o) => [`start ${o.order_id}`, `end ${o.order_id}`]));
      await drain(h.sqs, h.payments.url);
      await drain(h.sqs, h.events.queue.url);
    });

    it('dead-letters a poison record and goes on with its group, as the redrive policy would', async () => {
      const product = `sku-${randomUUID().slice(0, 8)}`;
      await h.ledger.setStock(product, 10);
      const after = order(product, 1);
      const records = [fifo('{"order_id": 7}', 'P', 1), fifo(after.body, 'P', 2)];
      expect(await createOrdersHandler(h.wiring)({ Records: records })).to.deep.equal({ batchItemFailures: [] });
      expect(await h.ledger.getStock(product)).to.equal(9);
      expect((await drain(h.sqs, h.deadLetters.url)).map((m) => JSON.parse(m.body).message)).to.deep.equal(['{"order_id": 7}']);
      await drain(h.sqs, h.payments.url);
      await drain(h.sqs, h.events.queue.url);
    });
  });

  it('retries a bad record whose dead letter cannot be written, rather than lose it', async () => {
    const noQueue = { ...h.wiring, deadLetters: new SqsDeadLetters(h.sqs, `${h.deadLetters.url}-deleted`) };
    const bad = recordWith('not json');
    expect(await createOrdersHandler(noQueue)({ Records: [bad] })).to.deep.equal({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
  });

  it('answers the outbox sweeper\'s scheduled event by relaying what an outage left pending', async () => {
    const product = `sku-${randomUUID().slice(0, 8)}`;
    await h.ledger.setStock(product, 5);
    const o = order(product, 1);
    const outage = await busOutage();
    const record = recordWith(o.body);
    expect(await createOrdersHandler(outage)({ Records: [record] })).to.deep.equal({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect((await h.ledger.getOrder(o.order_id))?.status).to.equal('PLACED');
    expect(await h.ledger.pendingOutbox(o.order_id)).to.have.length(2);

    // the schedule's Input, as EventBridge Scheduler passes it, ten minutes later
    const later = { ...h.wiring, deps: { ...h.wiring.deps, clock: { now: () => new Date(Date.now() + 600_000) } } };
    const swept = await createOrdersHandler(later)(SWEEP_REQUEST, { awsRequestId: 'sweep-1' });
    expect(swept).to.include({ failed: 0 });
    expect(await h.ledger.pendingOutbox(o.order_id)).to.deep.equal([]);
    const payments = (await drain(h.sqs, h.payments.url)).filter((m) => JSON.parse(m.body).order_id === o.order_id);
    expect(payments).to.have.length(1);
    await drain(h.sqs, h.events.queue.url);
  });

  it('writes the dead letter itself on the last delivery SQS allows, with the order\'s state, instead of retrying', async () => {
    const product = `sku-${randomUUID().slice(0, 8)}`;
    await h.ledger.setStock(product, 5);
    const o = order(product, 1);
    const outage = await busOutage();
    const base = recordWith(o.body);
    const fifth = { ...base, attributes: { ...base.attributes, ApproximateReceiveCount: String(h.wiring.settings.maxDeliveries) } };
    expect(await createOrdersHandler(outage)({ Records: [fifth] })).to.deep.equal({ batchItemFailures: [] });
    const letters = (await drain(h.sqs, h.deadLetters.url)).map((m) => JSON.parse(m.body));
    const letter = letters.find((l) => l.message === o.body);
    expect(letter).to.deep.include({ function: 'orders', attempts: 5 });
    expect(letter.reason).to.match(/^order ord-/);
    expect(letter.order).to.deep.equal({ order_id: o.order_id, status: 'PLACED', pending_entries: ['payment-request', 'order-created'] });
  });
});
