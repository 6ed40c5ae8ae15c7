/**
 * End to end on the peers, the way Lambda's triggers would drive the functions: the S3 event that
 * s3rver itself emitted for an upload, and SQS batches received from fauxqs, acknowledged (deleted)
 * except for the records the handler lists as failed, as an event source mapping does.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createImagesHandler } from '../../../adapters/aws/images';
import { createOrdersHandler, type OrdersWiring } from '../../../adapters/aws/orders';
import type { S3Event } from '../../../adapters/aws/events/object-created';
import type { SqsEvent, SqsRecord } from '../../../adapters/aws/events/queue-message';
import { S3BlobStore } from '../../../adapters/aws/ports/blob-store';
import { createQueue, drain } from '../../support/aws-queues';
import { imageFixture } from '../../support/fixtures';
import { imagesHarness, ordersHarness } from './harness';

/** One receive, shaped as the event source mapping hands it to Lambda. */
async function receiveBatch(sqs: SQSClient, queueUrl: string): Promise<{ event: SqsEvent; receipts: Map<string, string> }> {
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
  );
  const receipts = new Map<string, string>();
  const records: SqsRecord[] = (out.Messages ?? []).map((m) => {
    receipts.set(m.MessageId!, m.ReceiptHandle!);
    const messageAttributes: SqsRecord['messageAttributes'] = {};
    for (const [name, a] of Object.entries(m.MessageAttributes ?? {})) messageAttributes[name] = { stringValue: a.StringValue, dataType: a.DataType! };
    return { messageId: m.MessageId!, body: m.Body!, attributes: { ...m.Attributes }, messageAttributes };
  });
  return { event: { Records: records }, receipts };
}

/** Invokes the handler and deletes what it did not list as failed. */
async function deliver(sqs: SQSClient, queueUrl: string, wiring: OrdersWiring) {
  const { event, receipts } = await receiveBatch(sqs, queueUrl);
  const reply = await createOrdersHandler(wiring)(event);
  const failed = new Set(reply.batchItemFailures.map((f) => f.itemIdentifier));
  for (const [id, receipt] of receipts) if (!failed.has(id)) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt }));
  return { event, reply };
}

describe('aws end to end on the peers', function () {
  this.timeout(90_000);

  it('images: an upload to s3rver, its own notification, the compressed copy read back', async () => {
    const h = await imagesHarness('e2e-originals', 'e2e-compressed');
    const key = `holiday/${randomUUID().slice(0, 6)} beach.JPG`;
    const original = imageFixture('exif-orientation-Landscape_1.jpg');
    await h.s3.s3.send(new PutObjectCommand({ Bucket: 'e2e-originals', Key: key, Body: original, ContentType: 'image/jpeg' }));
    // s3rver sends the key as stored; S3 would form-encode it (the translator tests cover that).
    const notification = (h.s3.events as S3Event[]).find((e) => e.Records?.some((r) => r.s3.object.key === key));
    expect(notification, 's3rver emitted an event for the upload').to.not.equal(undefined);
    const summary = await createImagesHandler(h.wiring)(notification as S3Event);
    expect(summary.results.map((r) => r.outcome)).to.deep.equal(['compressed']);
    const copy = await new S3BlobStore(h.s3.s3).get('e2e-compressed', `compressed/${key}`);
    expect(copy, 'compressed copy').to.not.equal(undefined);
    expect(copy!.contentType).to.equal('image/jpeg');
    expect(copy!.metadata['original-size']).to.equal(String(original.length));
    expect(Number(copy!.metadata['compressed-size'])).to.equal(copy!.size).and.be.below(original.length);
  });

  describe('orders through SQS', () => {
    let h: Exclude<Awaited<ReturnType<typeof ordersHarness>>, string>;
    before(async function () {
      const started = await ordersHarness();
      if (typeof started === 'string') {
        console.warn(`  skipped: ${started}`);
        this.skip();
      }
      h = started as typeof h;
    });

    it('a batch of a good, a short and a malformed order: stock, payments, SNS deliveries and the DLQ', async () => {
      const a = `sku-${randomUUID().slice(0, 6)}`;
      const b = `sku-${randomUUID().slice(0, 6)}`;
      await h.ledger.setStock(a, 10);
      await h.ledger.setStock(b, 1);
      const placed = `ord-${randomUUID()}`;
      const short = `ord-${randomUUID()}`;
      const send = (body: string) => h.sqs.send(new SendMessageCommand({ QueueUrl: h.orders.url, MessageBody: body }));
      await send(JSON.stringify({ order_id: placed, user_id: 'u1', items: [{ product_id: a, quantity: 4 }, { product_id: b, quantity: 1 }], total_amount: 5000, currency: 'EUR' }));
      await send(JSON.stringify({ order_id: short, user_id: 'u2', items: [{ product_id: a, quantity: 1 }, { product_id: b, quantity: 5 }], total_amount: 100, currency: 'EUR' }));
      await send('{"order_id": "ord-bad", "items": "none"}');

      const seen: string[] = [];
      for (let i = 0; i < 5 && seen.length < 3; i++) {
        const { event, reply } = await deliver(h.sqs, h.orders.url, h.wiring);
        expect(reply.batchItemFailures).to.deep.equal([]);
        seen.push(...event.Records!.map((r) => r.messageId));
      }
      expect(seen).to.have.length(3);

      // The short order sees stock after the good one, or the good one sees it after the short one:
      // either way b (1 in stock) is never oversold and a loses exactly the placed order's 4.
      const stockA = await h.ledger.getStock(a);
      const stockB = await h.ledger.getStock(b);
      expect([stockA, stockB]).to.deep.equal([6, 0]);
      const payments = (await drain(h.sqs, h.payments.url)).map((m) => ({ body: JSON.parse(m.body), order_id: m.attributes.order_id }));
      expect(payments.map((p) => p.order_id)).to.deep.equal([placed]);
      expect(payments[0].body).to.include({ order_id: placed, amount: 5000, currency: 'EUR' });
      const events = (await drain(h.sqs, h.events.queue.url)).map((m) => [JSON.parse(m.body).order_id, m.attributes.event_type]);
      expect(events).to.have.deep.members([
        [placed, 'ORDER_CREATED'],
        [short, 'ORDER_CANCELLED'],
      ]);
      const letters = (await drain(h.sqs, h.deadLetters.url)).map((m) => JSON.parse(m.body));
      expect(letters.map((l) => [l.function, l.message])).to.deep.equal([['orders', '{"order_id": "ord-bad", "items": "none"}']]);
      expect(await drain(h.sqs, h.orders.url)).to.deep.equal([]);
    });

    it('a transient failure is retried by SQS and, past maxReceiveCount, redriven to the DLQ', async () => {
      const dlq = await createQueue(h.sqs, 'orders-redrive-dlq');
      const queue = await createQueue(h.sqs, 'orders-redrive', {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
      });
      const body = JSON.stringify({ order_id: `ord-${randomUUID()}`, user_id: 'u1', items: [{ product_id: 'sku-x', quantity: 1 }], total_amount: 1, currency: 'EUR' });
      await h.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
      const down = await h.unreachableLedger();
      const attempts: string[] = [];
      for (let i = 0; i < 2; i++) {
        const { event, reply } = await deliver(h.sqs, queue.url, down);
        expect(reply.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(event.Records!.map((r) => r.messageId));
        attempts.push(...event.Records!.map((r) => r.attributes!.ApproximateReceiveCount!));
        await new Promise((r) => setTimeout(r, 1_200)); // the visibility timeout
      }
      expect(attempts).to.deep.equal(['1', '2']);
      // The third receive finds it past maxReceiveCount: SQS moves it to the DLQ, unchanged.
      expect((await receiveBatch(h.sqs, queue.url)).event.Records).to.deep.equal([]);
      const redriven = await drain(h.sqs, dlq.url);
      expect(redriven.map((m) => m.body)).to.deep.equal([body]);
    });
  });
});
