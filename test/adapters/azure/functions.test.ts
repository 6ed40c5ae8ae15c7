/**
 * The three entry points end to end on Azurite and the Event Grid stand-in, called the way the
 * Functions host calls them: a BlobCreated event built from a real upload, HttpRequests, and
 * queue messages received from the real queue with Azurite's own dequeueCount.
 */
import { expect } from 'chai';
import { HttpRequest } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { BlobCreatedEvent } from '../../../adapters/azure/events/object-created';
import { imagesHandler } from '../../../adapters/azure/images';
import { ordersHandler } from '../../../adapters/azure/orders';
import { OUTBOX_SWEEP_FUNCTION, outboxSweepHandler } from '../../../adapters/azure/outbox-sweep';
import { orderFingerprint } from '../../../handlers/orders/fingerprint';
import { outboxIfPlaced } from '../../../handlers/orders/outbox';
import { TableOrderLedger } from '../../../adapters/azure/ports/order-ledger';
import { encodeQueueMessage, poisonQueueName } from '../../../adapters/azure/queue-encoding';
import { usersHandler } from '../../../adapters/azure/users';
import { tableClient, useSettings } from '../../../adapters/azure/wiring';
import { azureEnvironment as env } from '../../../adapters/azure/environment';
import { silentLogger } from '../../../handlers/ports/logger';
import { openApiDocument } from '../../../handlers/users/openapi';
import { checkExchange } from '../../support/openapi-traffic';
import type { EventGridStandIn } from '../../support/azure-peers';
import { eventFixture, imageFixture } from '../../support/fixtures';
import { context, letterPointedTo, peekAll, receiveLikeTheHost, useAzureApp, type AzureApp, type Delivery } from './app-harness';

describe('Azure functions end to end (Azurite)', function () {
  this.timeout(60_000);
  const peers = useAzureApp();
  let grid: EventGridStandIn;
  let app: AzureApp;
  before(() => {
    ({ app, grid } = peers());
  });

  describe('images (Event Grid trigger)', () => {
    const fixtures = ['eventgrid-blobcreated.eventgrid-schema.json', 'eventgrid-blobcreated.cloudevents-schema.json'];

    for (const file of fixtures) {
      it(`ignores the ${file} fixture for another container, then skips its .xlsx in the originals`, async () => {
        const event = eventFixture<BlobCreatedEvent>('azure', file);
        const other = await imagesHandler(event, context('images'));
        expect(other).to.deep.include({ outcome: 'ignored' });
        const ours = { ...event, subject: event.subject!.replace('gaocontainer', app.names.originals), data: { ...event.data, url: event.data!.url!.replace('gaocontainer', app.names.originals) } };
        const result = await imagesHandler(ours, context('images'));
        expect(result).to.deep.include({ outcome: 'skipped', bucket: app.names.originals, key: 'Template1.xlsx' });
      });
    }

    /** Uploads an original and builds the BlobCreated event Event Grid would deliver for it. */
    async function upload(name: string, bytes: Buffer, schema: 'EventGrid' | 'CloudEvents'): Promise<BlobCreatedEvent> {
      const blob = app.blobs.getContainerClient(app.names.originals).getBlockBlobClient(name);
      const put = await blob.uploadData(bytes, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
      const data = { api: 'PutBlob', url: blob.url, eTag: put.etag, contentLength: bytes.length, contentType: 'image/jpeg', blobType: 'BlockBlob' };
      const subject = `/blobServices/default/containers/${app.names.originals}/blobs/${name}`;
      const time = new Date().toISOString();
      return schema === 'EventGrid'
        ? { id: randomUUID(), subject, eventType: 'Microsoft.Storage.BlobCreated', eventTime: time, data }
        : { id: randomUUID(), subject, type: 'Microsoft.Storage.BlobCreated', time, data };
    }

    it('compresses an uploaded original (a name with spaces and +) into the compressed container', async () => {
      const original = imageFixture('exif-orientation-Landscape_6.jpg');
      const event = await upload('photos/a b+c.jpg', original, 'EventGrid');
      expect(event.data!.url, 'the SDK url is percent-encoded').to.contain('a%20b%2Bc.jpg');
      const result = await imagesHandler(event, context('images'));
      expect(result).to.deep.include({ outcome: 'compressed', outputBucket: app.names.compressed, outputKey: 'compressed/photos/a b+c.jpg' });
      const copy = app.blobs.getContainerClient(app.names.compressed).getBlockBlobClient('compressed/photos/a b+c.jpg');
      const props = await copy.getProperties();
      expect(props.contentType).to.equal('image/jpeg');
      expect(props.metadata, 'stored as C# identifiers').to.include({ original_size: String(original.length) });
      const meta = await sharp(await copy.downloadToBuffer()).metadata();
      expect(meta.format).to.equal('jpeg');
      expect(Math.max(meta.width!, meta.height!)).to.be.at.most(800);
    });

    it('compresses a PNG announced in the CloudEvents schema', async () => {
      const event = await upload(`rgba-${randomUUID().slice(0, 6)}.png`, imageFixture('png-rgba-8bit-basn6a08.png'), 'CloudEvents');
      const result = await imagesHandler(event, context('images'));
      expect(result.outcome).to.equal('compressed');
    });

    it('dead-letters a corrupt image to the dead-letter container and completes', async () => {
      const name = `broken-${randomUUID().slice(0, 6)}.jpg`;
      const event = await upload(name, imageFixture('corrupt-1-byte-not-an-image.jpg'), 'EventGrid');
      const result = await imagesHandler(event, context('images'));
      expect(result.outcome).to.equal('dead-lettered');
      const letters = app.blobs.getContainerClient(app.names.deadLetters);
      const found = [];
      for await (const b of letters.listBlobsFlat({ prefix: 'images/' })) if (b.name.endsWith(`${name}.json`)) found.push(b.name);
      expect(found).to.have.length(1);
      const letter = JSON.parse((await letters.getBlockBlobClient(found[0]).downloadToBuffer()).toString());
      expect(letter).to.include({ function: 'images', bucket: app.names.originals, object_key: name, attempts: 1 });
      expect(letter.reason).to.be.a('string').and.not.equal('');
    });
  });

  describe('users (HTTP trigger)', () => {
    /** The trigger called as the host calls it; the exchange is checked against openapi.json. */
    async function checked(method: string, url: string, headers: Record<string, string>, text?: string) {
      const answer = await usersHandler(new HttpRequest({ method, url, headers, body: text === undefined ? undefined : { string: text } }), context('users', undefined));
      const target = new URL(url);
      await checkExchange(
        { method, path: decodeURIComponent(target.pathname), query: Object.fromEntries(target.searchParams), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body: text === undefined ? undefined : new TextEncoder().encode(text) },
        { status: answer.status ?? 200, headers: Object.fromEntries(answer.headers as [string, string][]), body: answer.body as string | undefined },
      );
      return answer;
    }
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      checked(method, `http://localhost:7071${path}`, body ? { 'content-type': 'application/json', ...headers } : headers, body ? JSON.stringify(body) : undefined);
    const header = (init: Awaited<ReturnType<typeof call>>, name: string) =>
      (init.headers as [string, string][]).find(([n]) => n === name)?.[1];

    it('answers the HttpRequestInit fixture (POST /api/helloWorld) with a 404 problem', async () => {
      const { init } = eventFixture<{ init: ConstructorParameters<typeof HttpRequest>[0] }>('azure', 'functions-v4-HttpRequestInit-post-with-params-query.json');
      const res = await usersHandler(new HttpRequest(init), context('users'));
      expect(res.status).to.equal(404);
      expect(header(res, 'content-type')).to.contain('application/problem+json');
    });

    it('serves GET /users to the browser request of the httpTrigger metadata fixture', async () => {
      const fixture = eventFixture<{ rpcTriggerMetadata: { Headers: { json: string } } }>('azure', 'functions-v4-triggerMetadata-httpTrigger.json');
      const headers = JSON.parse(fixture.rpcTriggerMetadata.Headers.json) as Record<string, string>;
      const res = await checked('GET', `http://${headers.Host}/users`, headers);
      expect(res.status).to.equal(200);
      expect(JSON.parse(res.body as string)).to.have.property('users').that.is.an('array');
    });

    it('creates, reads, lists and deletes a user through Table storage; 204 has no body', async () => {
      const email = `ada-${randomUUID().slice(0, 6)}@example.com`;
      const created = await call('POST', '/users', { name: 'Ada', email });
      expect(created.status).to.equal(201);
      const location = header(created, 'location')!;
      expect(location).to.match(/^\/users\/[^/]+$/);
      const got = await call('GET', location);
      expect(got.status).to.equal(200);
      expect(JSON.parse(got.body as string)).to.include({ name: 'Ada', email });
      const head = await call('HEAD', location);
      expect(head.status, 'HEAD is the GET').to.equal(200);
      expect(header(head, 'etag')).to.equal(header(got, 'etag'));
      expect(head).to.not.have.property('body');
      const list = await call('GET', '/users?limit=100');
      expect(JSON.parse(list.body as string).users.map((u: { email: string }) => u.email)).to.include(email);
      expect((await call('POST', '/users', { name: 'Twin', email })).status).to.equal(409);
      const deleted = await call('DELETE', location);
      expect(deleted.status).to.equal(204);
      expect(deleted).to.not.have.property('body');
      expect((await call('GET', location)).status).to.equal(404);
    });

    it('serves the API description at GET /openapi.json (its own trigger, the same core)', async () => {
      const res = await call('GET', '/openapi.json');
      expect(res.status).to.equal(200);
      expect(JSON.parse(res.body as string)).to.deep.equal(openApiDocument());
    });
  });

  describe('user images (HTTP trigger users/{id}/{*rest})', () => {
    const call = (method: string, path: string, body?: unknown) =>
      usersHandler(
        new HttpRequest({ method, url: `http://localhost:7071${path}`, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? { string: JSON.stringify(body) } : undefined }),
        context('users'),
      );

    it('signs an upload that lands in the originals container, and lists the compressed copy with its SAS URL', async () => {
      const created = await call('POST', '/users', { name: 'Ada', email: `ada-${randomUUID().slice(0, 6)}@example.com` });
      const id = (JSON.parse(created.body as string) as { user_id: string }).user_id;
      const photo = imageFixture('exif-orientation-Landscape_1.jpg');
      const asked = await call('POST', `/users/${id}/uploads`, { filename: 'a.jpg', content_type: 'image/jpeg', bytes: photo.length });
      expect(asked.status, asked.body as string).to.equal(201);
      const grant = JSON.parse(asked.body as string) as { key: string; upload: { method: string; url: string; headers: Record<string, string> } };
      expect(grant.upload.url.startsWith(`${app.blobs.getContainerClient(app.names.originals).url}/${id}/`)).to.equal(true);
      const put = await fetch(grant.upload.url, { method: grant.upload.method, headers: grant.upload.headers, body: photo });
      expect(put.status, await put.text()).to.equal(201);

      const blob = app.blobs.getContainerClient(app.names.originals).getBlockBlobClient(grant.key);
      const props = await blob.getProperties();
      const subject = `/blobServices/default/containers/${app.names.originals}/blobs/${grant.key}`;
      const data = { api: 'PutBlob', url: blob.url, eTag: props.etag, contentLength: photo.length, contentType: 'image/jpeg', blobType: 'BlockBlob' };
      const result = await imagesHandler({ id: randomUUID(), subject, eventType: 'Microsoft.Storage.BlobCreated', eventTime: new Date().toISOString(), data }, context('images'));
      expect(result.outcome).to.equal('compressed');

      const listed = await call('GET', `/users/${id}/images`);
      expect(listed.status).to.equal(200);
      const [image] = (JSON.parse(listed.body as string) as { images: { key: string; url: string; width: number; height: number; bytes: number }[] }).images;
      expect(image.key).to.equal(`compressed/${grant.key}`);
      expect(image.width).to.equal(800);
      const copy = await fetch(image.url);
      expect(copy.status).to.equal(200);
      expect((await copy.arrayBuffer()).byteLength).to.equal(image.bytes);
    });
  });

  describe('an oversize original a SAS let through', () => {
    it('is dead-lettered by the images function with the reason, from its properties (a SAS cannot cap the size)', async () => {
      const limit = 1000;
      useSettings({ ...app.settings, IMAGES_MAX_OBJECT_BYTES: String(limit) }, silentLogger);
      try {
        const created = await usersHandler(new HttpRequest({ method: 'POST', url: 'http://localhost:7071/users', headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify({ name: 'Big', email: `big-${randomUUID().slice(0, 6)}@example.com` }) } }), context('users'));
        const id = (JSON.parse(created.body as string) as { user_id: string }).user_id;
        // the client declares a small size, then sends a large file: the SAS does not stop it
        const asked = await usersHandler(new HttpRequest({ method: 'POST', url: `http://localhost:7071/users/${id}/uploads`, headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify({ filename: 'big.jpg', content_type: 'image/jpeg', bytes: 10 }) } }), context('users'));
        const grant = JSON.parse(asked.body as string) as { key: string; upload: { url: string; headers: Record<string, string> } };
        const big = imageFixture('exif-orientation-Landscape_1.jpg');
        expect(big.length).to.be.greaterThan(limit);
        expect((await fetch(grant.upload.url, { method: 'PUT', headers: grant.upload.headers, body: big })).status).to.equal(201);
        const blob = app.blobs.getContainerClient(app.names.originals).getBlockBlobClient(grant.key);
        const props = await blob.getProperties();
        const subject = `/blobServices/default/containers/${app.names.originals}/blobs/${grant.key}`;
        const data = { api: 'PutBlob', url: blob.url, eTag: props.etag, contentLength: big.length, contentType: 'image/jpeg', blobType: 'BlockBlob' };
        const result = await imagesHandler({ id: randomUUID(), subject, eventType: 'Microsoft.Storage.BlobCreated', eventTime: new Date().toISOString(), data }, context('images'));
        expect(result.outcome).to.equal('dead-lettered');
        const letters = app.blobs.getContainerClient(app.names.deadLetters);
        const found: string[] = [];
        for await (const b of letters.listBlobsFlat({ prefix: 'images/' })) if (b.name.includes(grant.key.split('/')[1])) found.push(b.name);
        expect(found).to.have.length(1);
        const letter = JSON.parse((await letters.getBlockBlobClient(found[0]).downloadToBuffer()).toString()) as { reason: string; object_key: string };
        expect(letter).to.include({ object_key: grant.key, reason: `object too large: ${big.length} bytes exceeds the limit of ${limit}` });
      } finally {
        useSettings(app.settings, silentLogger);
      }
    });
  });

  describe('orders (storage queue trigger)', () => {
    const ordersQueue = () => app.queues.getQueueClient(app.names.orders);
    const poison = () => app.queues.getQueueClient(poisonQueueName(app.names.orders));
    const payments = () => app.queues.getQueueClient(app.names.payments);
    const ledger = () => new TableOrderLedger(tableClient(app.settings, app.names.ledger));
    const order = (id: string, items: { product_id: string; quantity: number }[]) =>
      ({ order_id: id, user_id: 'u-1', items, total_amount: 4200, currency: 'EUR' });

    const orderIdOf = (d: Delivery) => (d.context.triggerMetadata?.queueTrigger as { order_id?: unknown } | undefined)?.order_id;

    /** Delivers every visible message once, deleting it on success as the host does. */
    async function deliverAll(): Promise<{ id: unknown; error?: Error }[]> {
      const outcomes = [];
      for (let d = await receiveLikeTheHost(ordersQueue()); d; d = await receiveLikeTheHost(ordersQueue())) {
        try {
          await ordersHandler(d.item, d.context);
          await ordersQueue().deleteMessage(d.messageId, d.popReceipt);
          outcomes.push({ id: orderIdOf(d) });
        } catch (error) {
          outcomes.push({ id: orderIdOf(d), error: error as Error });
        }
      }
      return outcomes;
    }

    it('writes the queueTrigger fixture (not an order) to the poison queue at once, with its reason', async () => {
      // The host creates the poison queue only when it first moves a message there.
      await poison().deleteIfExists();
      const { expectedContextTriggerMetadata: metadata } = eventFixture<{ expectedContextTriggerMetadata: Record<string, unknown> }>('azure', 'functions-v4-triggerMetadata-queueTrigger.json');
      const result = await ordersHandler(metadata.queueTrigger, context('orders', metadata));
      expect(result).to.equal(undefined);
      const letters = (await peekAll(poison())) as { function: string; reason: string; attempts: number; message: string }[];
      const letter = letters.find((l) => l.message === '{"name":"world"}');
      expect(letter, 'dead letter in the poison queue').to.not.equal(undefined);
      expect(letter).to.include({ function: 'orders', attempts: 1 });
      expect(letter!.reason).to.match(/order_id/);
    });

    it('poisons a malformed JSON order with its text exactly as queued (the trigger delivers bytes)', async () => {
      const text = '{ "order_id" : 7,\n  "items": [ ], "note": "1.50" }';
      await ordersQueue().sendMessage(encodeQueueMessage(text));
      const delivery = await receiveLikeTheHost(ordersQueue());
      expect(Buffer.isBuffer(delivery!.item), 'dataType binary hands over a Buffer').to.equal(true);
      expect(await ordersHandler(delivery!.item, delivery!.context)).to.equal(undefined);
      await ordersQueue().deleteMessage(delivery!.messageId, delivery!.popReceipt);
      const letters = (await peekAll(poison())) as { message: string; reason: string }[];
      const letter = letters.find((l) => l.message.includes('"order_id" : 7'));
      expect(letter?.message, 'the original text, spacing included').to.equal(text);
    });

    it('moves a dead letter too large for the poison queue to the dead-letter container, whole, and points at it', async () => {
      // 48,000 quotes: not JSON, so permanent. Queued in base64 it is 64,000 bytes and fits the
      // 64 KiB limit; in the envelope each quote is escaped, and the envelope would be 128 KB.
      const text = '"'.repeat(48_000);
      await ordersQueue().sendMessage(encodeQueueMessage(text));
      const delivery = await receiveLikeTheHost(ordersQueue());
      expect(await ordersHandler(delivery!.item, delivery!.context), 'completes: no redelivery').to.equal(undefined);
      await ordersQueue().deleteMessage(delivery!.messageId, delivery!.popReceipt);

      const letters = (await peekAll(poison())) as { function: string; reason: string; attempts: number; message?: string; message_blob?: string }[];
      const pointer = letters.find((l) => l.message_blob !== undefined);
      expect(pointer, 'a pointer in the poison queue').to.not.equal(undefined);
      expect(pointer).to.include({ function: 'orders', attempts: 1 });
      expect(pointer).to.not.have.property('message');
      expect(pointer!.reason).to.match(/JSON/i);
      expect(pointer!.message_blob!.startsWith(`${app.names.ordersDeadLetters}/orders/`), pointer!.message_blob).to.equal(true);
      const whole = await letterPointedTo(app.blobs.getContainerClient(app.names.ordersDeadLetters), pointer!.message_blob!);
      expect(whole.message === text, 'the message as queued, not cut').to.equal(true);
      expect(whole.reason).to.equal(pointer!.reason);
    });

    it('places, cancels and poisons queued orders; stock, payments queue and events agree', async () => {
      const tag = randomUUID().slice(0, 6);
      const [p1, p2] = [`p1-${tag}`, `p2-${tag}`];
      await ledger().setStock(p1, 3);
      await ledger().setStock(p2, 1);
      const placed = order(`o-a-${tag}`, [{ product_id: p1, quantity: 2 }, { product_id: p2, quantity: 1 }]);
      const cancelled = order(`o-b-${tag}`, [{ product_id: p1, quantity: 2 }]);
      for (const body of [JSON.stringify(placed), JSON.stringify(cancelled), '{"order_id": "o-c"']) {
        await ordersQueue().sendMessage(encodeQueueMessage(body));
      }
      const outcomes = await deliverAll();
      expect(outcomes.filter((o) => o.error)).to.deep.equal([]);
      expect(await ledger().getStock(p1)).to.equal(1);
      expect(await ledger().getStock(p2)).to.equal(0);
      const paid = (await peekAll(payments())) as { attributes: Record<string, string>; body: Record<string, unknown> }[];
      expect(paid.filter((m) => m.attributes.order_id === placed.order_id)).to.have.length(1);
      expect(paid.filter((m) => m.attributes.order_id === cancelled.order_id)).to.have.length(0);
      const events = grid.received.filter((e) => e.subject.endsWith(tag));
      expect(events.map((e) => [e.subject, e.eventType]).sort()).to.deep.equal([
        [`orders/${placed.order_id}`, 'ORDER_CREATED'],
        [`orders/${cancelled.order_id}`, 'ORDER_CANCELLED'],
      ]);
      const poisoned = (await peekAll(poison())) as { message: string }[];
      expect(poisoned.some((l) => l.message === '{"order_id": "o-c"')).to.equal(true);
    });

    it('retries a transient failure: the host redelivers with dequeueCount 2 and the order is relayed once', async () => {
      const tag = randomUUID().slice(0, 6);
      const product = `p-${tag}`;
      await ledger().setStock(product, 5);
      const o = order(`o-d-${tag}`, [{ product_id: product, quantity: 2 }]);
      await ordersQueue().sendMessage(encodeQueueMessage(JSON.stringify(o)));
      // The events topic refuses the first delivery (a wrong key: 401).
      useSettings({ ...app.settings, [env.orders.eventsTopicKey]: 'wrong' }, silentLogger);
      const first = await receiveLikeTheHost(ordersQueue());
      expect(first!.context.triggerMetadata!.dequeueCount).to.equal(1);
      let thrown: unknown;
      try {
        await ordersHandler(first!.item, first!.context);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, 'a transient failure throws for the host to retry').to.be.instanceOf(Error);
      useSettings(app.settings, silentLogger);
      await new Promise((r) => setTimeout(r, 1_100)); // the visibility timeout of the first delivery
      const second = await receiveLikeTheHost(ordersQueue());
      expect(second!.context.triggerMetadata!.dequeueCount).to.equal(2);
      const result = await ordersHandler(second!.item, second!.context);
      expect(result).to.include({ order_id: o.order_id, outcome: 'duplicate', relayed: 1 });
      await ordersQueue().deleteMessage(second!.messageId, second!.popReceipt);
      expect(await ledger().getStock(product)).to.equal(3);
      const paid = (await peekAll(payments())) as { attributes: Record<string, string> }[];
      expect(paid.filter((m) => m.attributes.order_id === o.order_id)).to.have.length(1);
      expect(grid.received.filter((e) => e.subject === `orders/${o.order_id}`)).to.have.length(1);
      expect(((await peekAll(poison())) as { message?: string }[]).some((l) => l.message?.includes(o.order_id))).to.equal(false);
    });

    it('relays, on the sweeper\'s timer, what an order recorded during an outage left pending', async () => {
      const tag = randomUUID().slice(0, 6);
      const product = `p-${tag}`;
      await ledger().setStock(product, 5);
      const o = order(`o-sweep-${tag}`, [{ product_id: product, quantity: 1 }]);
      // recorded ten minutes ago, its relay never done (every delivery met a bus that was down)
      const at = new Date(Date.now() - 600_000).toISOString();
      await ledger().placeOrder({ order: o, at, outboxIfPlaced: outboxIfPlaced(o, at), outboxIfCancelled: [], fingerprint: orderFingerprint(o) });
      const timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
      const swept = await outboxSweepHandler(timer, context(OUTBOX_SWEEP_FUNCTION));
      expect(swept).to.include({ failed: 0 });
      expect(swept.relayed).to.be.at.least(2);
      expect(await ledger().pendingOutbox(o.order_id)).to.deep.equal([]);
      const paid = (await peekAll(payments())) as { attributes: Record<string, string> }[];
      expect(paid.filter((m) => m.attributes.order_id === o.order_id)).to.have.length(1);
      expect(grid.received.filter((e) => e.subject === `orders/${o.order_id}`)).to.have.length(1);
    });
  });
});
