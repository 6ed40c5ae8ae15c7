/**
 * Malformed order messages: through the core, through the local durable queue, and through each
 * cloud's orders entry point (an SQS batch into the Lambda handler, a storage-queue item into the
 * Azure handler on Azurite, a Pub/Sub push into the GCP function), with bodies and envelopes
 * broken from real fixtures (the SQS envelope's records included, objects or not). Never a crash
 * or an unhandled rejection: each message is processed, or dead-lettered with its reason on its
 * first delivery; an entry point may instead hand a message back for redelivery with a transient
 * error (listed in batchItemFailures, thrown, a 503), never with a crash.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { InvocationContext } from '@azure/functions';
import type { QueueClient } from '@azure/storage-queue';
import { createOrdersHandler } from '../../adapters/aws/orders';
import { fromQueueTrigger } from '../../adapters/azure/events/queue-message';
import { ordersHandler } from '../../adapters/azure/orders';
import { poisonQueueName } from '../../adapters/azure/queue-encoding';
import { localQueues } from '../../adapters/local/environment';
import { createOrdersFunction } from '../../adapters/gcp/orders';
import { isPermanent } from '../../handlers/errors';
import { processOrder } from '../../handlers/orders';
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import { systemClock } from '../../handlers/ports/clock';
import { silentLogger } from '../../handlers/ports/logger';
import { letterPointedTo, takePoisonLetters, useAzureApp } from '../adapters/azure/app-harness';
import { eventFixture } from '../support/fixtures';
import { MemoryDeadLetters } from '../support/memory';
import { expectTransientThrow, shown } from '../support/reliability-events';
import { withoutUnhandledRejections } from '../support/reliability-http';
import { localQueueRun } from '../support/reliability-local-queue';
import { mutationsOf } from '../support/reliability-mutations';
import { orderBody, ordersSettings, RecordingBus } from '../support/reliability-orders';
import { scale } from '../support/reliability-scale';
import { storesUnderTest, useStore } from '../support/reliability-stores';
import { tally } from '../support/reliability-tally';

const valid = orderBody('bad-input-o1', [{ product_id: 'bad-input-p', quantity: 1 }]);

/** Bodies: broken orders, broken JSON, and strings that are no JSON at all. */
const badBodies: fc.Arbitrary<string> = fc.oneof(
  mutationsOf(valid).map((o) => JSON.stringify(o) ?? 'undefined'),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', '{', 'null', '[]', '"order"', '{"order_id":"a"}', JSON.stringify(valid).slice(0, 30), '\uFEFF' + JSON.stringify(valid)),
  fc.json({ maxDepth: 3 }),
);

const runs = { numRuns: scale.propertyRuns };

/** What the Functions host hands a queue-triggered function: the text parsed when it is JSON. */
function itemOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describe('reliability: malformed order messages', function () {
  this.timeout(120_000);
  const local = useStore(storesUnderTest[0]);

  it('the core processes each one or refuses it with a permanent reason', async () => {
    const bus = new RecordingBus();
    let refused = 0;
    await withoutUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(badBodies, async (body) => {
          const deps = { ledger: local().ledger, bus, clock: systemClock, logger: silentLogger };
          try {
            await processOrder({ id: 'm', body, attempts: 1 }, deps, ordersSettings);
          } catch (err) {
            expect(isPermanent(err), `${body.slice(0, 120)}: ${String(err)}`).to.equal(true);
            expect((err as { reason: string }).reason).to.be.a('string').and.not.equal('');
            refused++;
          }
        }),
        runs,
      ),
    );
    expect(refused).to.be.greaterThan(scale.propertyRuns / 2);
    tally('bad inputs tried', scale.propertyRuns);
    tally('malformed order messages tried (core)', scale.propertyRuns);
  });

  it('the local durable queue dead-letters each refused one on its first delivery, with its reason', async () => {
    const bodies = fc.sample(badBodies, { numRuns: scale.propertyRuns, seed: 42 });
    const run = localQueueRun();
    try {
      for (const b of bodies) run.ports.queue(localQueues.orders).enqueue(b);
      await withoutUnhandledRejections(() => run.drain('orders', run.ports));
      const letters = run.deadLetters('orders');
      for (const l of letters) {
        expect(l.envelope.attempts).to.equal(1);
        expect(l.envelope.reason).to.be.a('string').and.not.equal('');
        expect(bodies).to.include(l.envelope.message);
      }
      // the rest were valid by chance and placed or cancelled: nothing vanished
      const processed = bodies.length - letters.length;
      expect(letters.length).to.be.greaterThan(bodies.length / 2);
      tally('bad inputs tried', bodies.length);
      tally('messages processed', bodies.length);
      tally('malformed order messages dead-lettered (local queue)', letters.length);
      tally('malformed order messages valid by chance, processed (local queue)', processed);
    } finally {
      run.dispose();
    }
  });

  it('the Lambda handler answers SQS batches with broken records without throwing', async () => {
    const fixture = eventFixture<{ Records: Record<string, unknown>[] }>('aws', 'sqs-batch-2-records.json');
    const deadLetters = new MemoryDeadLetters();
    const handler = createOrdersHandler({
      deps: { ledger: local().ledger, bus: new RecordingBus(), clock: systemClock, logger: silentLogger },
      deadLetters,
      settings: ordersSettings,
    });
    const batches = fc.oneof(
      badBodies.map((body) => ({ Records: fixture.Records.map((r, i) => ({ ...r, body: i === 0 ? body : JSON.stringify(valid) })) })),
      // every envelope, records that are not objects included: one such record must not fail the batch
      mutationsOf(fixture),
    );
    await withoutUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(batches, async (event) => {
          const before = deadLetters.letters.length;
          const reply = await handler(event as never);
          // a record is either done, dead-lettered with a reason, or listed for redelivery
          expect(reply.batchItemFailures).to.be.an('array');
          for (const l of deadLetters.letters.slice(before)) expect(l.reason).to.be.a('string').and.not.equal('');
        }),
        runs,
      ),
    );
    tally('bad inputs tried', scale.propertyRuns);
    tally('malformed SQS batches tried (AWS orders handler)', scale.propertyRuns);
    tally('dead letters written by the AWS orders handler', deadLetters.letters.length);
  });

  describe('Azure storage queue trigger on Azurite', () => {
    const peers = useAzureApp();
    let poison: QueueClient;
    before(() => {
      const { app } = peers();
      poison = app.queues.getQueueClient(poisonQueueName(app.names.orders));
    });

    const takeLetters = () => takePoisonLetters(poison);

    /** The letter's message: in the letter, or in the blob it points to when it outgrew the queue. */
    async function wholeMessage(letter: DeadLetter): Promise<string | undefined> {
      if (letter.message_blob === undefined) return letter.message;
      const { app } = peers();
      return (await letterPointedTo(app.blobs.getContainerClient(app.names.ordersDeadLetters), letter.message_blob)).message;
    }

    it('the orders handler processes each queue item, or poisons it at once with its reason', async () => {
      const { expectedContextTriggerMetadata: metadata } = eventFixture<{ expectedContextTriggerMetadata: Record<string, unknown> }>(
        'azure',
        'functions-v4-triggerMetadata-queueTrigger.json',
      );
      // the host hands over the message text parsed when it is JSON, with its trigger metadata
      const deliveries = fc.tuple(badBodies, fc.oneof({ arbitrary: fc.constant(metadata), weight: 3 }, { arbitrary: mutationsOf(metadata), weight: 1 }));
      let poisoned = 0;
      let processed = 0;
      let thrown = 0;
      await takeLetters();
      await withoutUnhandledRejections(() =>
        fc.assert(
          fc.asyncProperty(deliveries, async ([text, meta]) => {
            const item = itemOf(text);
            const triggerMetadata = meta && typeof meta === 'object' ? { ...meta, queueTrigger: item } : meta;
            const input = { item, triggerMetadata };
            let result: unknown;
            try {
              result = await ordersHandler(item, new InvocationContext({ invocationId: 'bad-input', functionName: 'orders', triggerMetadata: triggerMetadata as never, logHandler: () => {} }));
            } catch (err) {
              // the host makes the message visible again; after maxDequeueCount it is poisoned
              expectTransientThrow(err, input, 'Azure orders handler');
              expect(await takeLetters(), 'dead letters of a message handed back').to.deep.equal([]);
              thrown++;
              return;
            }
            const letters = await takeLetters();
            if (result === undefined) {
              expect(letters, `one dead letter for ${shown(input)}`).to.have.length(1);
              expect(letters[0].reason, shown(input)).to.be.a('string').and.not.equal('');
              expect(await wholeMessage(letters[0]), 'the message as received').to.equal(fromQueueTrigger(item, undefined, '').body);
              expect(letters[0].attempts).to.be.at.least(1);
              poisoned++;
            } else {
              expect(letters, `dead letters of a processed message ${shown(input)}`).to.deep.equal([]);
              expect((result as { outcome?: unknown }).outcome, shown(result)).to.be.oneOf(['placed', 'duplicate', 'insufficient']);
              processed++;
            }
          }),
          runs,
        ),
      );
      expect(poisoned).to.be.greaterThan(scale.propertyRuns / 2);
      // Nothing here is an outage: an item handed back would only come round again (as one too
      // large for a poison letter once did, until the oversize letters went to a blob).
      expect(thrown, 'items handed back for a retry').to.equal(0);
      tally('bad inputs tried', scale.propertyRuns);
      tally('malformed storage queue items tried (Azure orders handler)', scale.propertyRuns);
      tally('malformed storage queue items poisoned at once with a reason (Azure orders handler)', poisoned);
      tally('malformed storage queue items valid by chance, processed (Azure orders handler)', processed);
      tally('malformed storage queue items handed back for a retry (Azure orders handler)', thrown);
    });
  });

  it('the GCP push function answers broken push requests with 204 (dead-lettered) or a redelivery status', async () => {
    const fixture = eventFixture<Record<string, unknown>>('gcp', 'pubsub-message-published.cloudevent-structured.json');
    const deadLetters = new MemoryDeadLetters();
    const fn = createOrdersFunction(() => ({
      deps: { ledger: local().ledger, bus: new RecordingBus(), clock: systemClock, logger: silentLogger },
      settings: ordersSettings,
      deadLetters,
      logger: silentLogger,
    }) as never);
    const pushOf = (body: string) => ({ message: { data: Buffer.from(body).toString('base64'), messageId: '1', attributes: {} }, subscription: 'projects/p/subscriptions/orders', deliveryAttempt: 1 });
    const requests = fc.oneof(badBodies.map(pushOf), mutationsOf(pushOf(JSON.stringify(valid))), mutationsOf(fixture));
    let deadLettered = 0;
    await withoutUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(requests, async (body) => {
          const raw = Buffer.from(JSON.stringify(body) ?? '');
          let status = 0;
          const res = { status: (s: number) => ((status = s), res), end: () => res, send: () => res };
          const before = deadLetters.letters.length;
          await fn({ headers: { 'content-type': 'application/json' }, body, rawBody: raw } as never, res as never);
          expect(status, shown(body)).to.be.oneOf([204, 503]);
          if (status === 204 && deadLetters.letters.length > before) deadLettered++;
        }),
        runs,
      ),
    );
    expect(deadLettered).to.be.greaterThan(0);
    tally('bad inputs tried', scale.propertyRuns);
    tally('malformed Pub/Sub pushes tried (GCP orders function)', scale.propertyRuns);
  });
});
