/**
 * The pure translators and the host.json pins, with the real payloads in ../shared/fixtures.
 */
import { expect } from 'chai';
import { HttpRequest } from '@azure/functions';
import host from '../../../adapters/azure/host.json';
import { fromBlobCreated, type BlobCreatedEvent } from '../../../adapters/azure/events/object-created';
import { fromHttpRequest, toHttpResponseInit } from '../../../adapters/azure/events/http';
import { fromQueueTrigger } from '../../../adapters/azure/events/queue-message';
import { decodeQueueMessage, encodeQueueMessage, maxDequeueCount, queueMessageEncoding } from '../../../adapters/azure/queue-encoding';
import { ordersSpec } from '../../../handlers/specs';
import { eventFixture } from '../../support/fixtures';

const gridSchema = () => eventFixture<BlobCreatedEvent>('azure', 'eventgrid-blobcreated.eventgrid-schema.json');
const cloudSchema = () => eventFixture<BlobCreatedEvent>('azure', 'eventgrid-blobcreated.cloudevents-schema.json');

/** A fixture event re-pointed at another blob, as Event Grid would send it. */
function forBlob(event: BlobCreatedEvent, container: string, rawName: string, encodedPath: string, api = 'PutBlob'): BlobCreatedEvent {
  return {
    ...event,
    subject: `/blobServices/default/containers/${container}/blobs/${rawName}`,
    data: { ...event.data, api, url: `https://jolovstorage.blob.core.windows.net/${container}/${encodedPath}` },
  };
}

describe('Azure translators', () => {
  describe('BlobCreated -> ObjectCreated', () => {
    const expected = {
      bucket: 'gaocontainer',
      key: 'Template1.xlsx',
      size: 17555,
      etag: '0x8D96060BDA19D9D',
      eventTime: '2021-08-16T02:51:26.4248221Z',
    };

    it('reads the Event Grid schema fixture', () => {
      expect(fromBlobCreated(gridSchema(), 'gaocontainer')).to.deep.equal({ kind: 'object', object: expected });
    });

    it('reads the CloudEvents schema fixture the same way', () => {
      expect(fromBlobCreated(cloudSchema(), 'gaocontainer')).to.deep.equal({ kind: 'object', object: expected });
    });

    it('decodes the url path exactly once', () => {
      const e = forBlob(gridSchema(), 'gaocontainer', 'photos/a b+c 100%25 照片.jpg', 'photos/a%20b%2Bc%20100%2525%20%E7%85%A7%E7%89%87.jpg');
      const t = fromBlobCreated(e, 'gaocontainer');
      expect(t.kind === 'object' && t.object.key).to.equal('photos/a b+c 100%25 照片.jpg');
    });

    it('reads a path-style url (Azurite: /<account>/<container>/<name>)', () => {
      const e = { ...forBlob(cloudSchema(), 'originals', 'x y.png', ''), data: { url: 'http://127.0.0.1:10000/devstoreaccount1/originals/x%20y.png' } };
      const t = fromBlobCreated(e, 'originals');
      expect(t.kind === 'object' && t.object.key).to.equal('x y.png');
    });

    it('falls back to the subject when there is no url', () => {
      const e = { ...forBlob(gridSchema(), 'gaocontainer', 'a b.jpg', ''), data: {} };
      const t = fromBlobCreated(e, 'gaocontainer');
      expect(t.kind === 'object' && t.object.key).to.equal('a b.jpg');
    });

    const skips: [string, BlobCreatedEvent, RegExp][] = [
      ['another container', gridSchema(), /not the originals container/],
      ['another event type', { ...gridSchema(), eventType: 'Microsoft.Storage.BlobDeleted' }, /is not Microsoft.Storage.BlobCreated/],
      ['a subject that names no blob', { ...gridSchema(), subject: '/blobServices/default/containers/originals' }, /names no blob/],
      ['Data Lake CreateFile (empty file)', forBlob(gridSchema(), 'originals', 'dir/a.jpg', 'dir/a.jpg', 'CreateFile'), /CreateFile/],
      ['a directory', forBlob(gridSchema(), 'originals', 'dir/', 'dir/', 'FlushWithClose'), /directory/],
    ];
    for (const [what, event, reason] of skips) {
      it(`skips ${what}, with a reason`, () => {
        const t = fromBlobCreated(event, 'originals');
        expect(t.kind).to.equal('skip');
        expect(t.kind === 'skip' && t.reason).to.match(reason);
      });
    }

    it('takes Data Lake FlushWithClose (the committed content)', () => {
      const t = fromBlobCreated(forBlob(gridSchema(), 'originals', 'dir/a.jpg', 'dir/a.jpg', 'FlushWithClose'), 'originals');
      expect(t.kind === 'object' && t.object.key).to.equal('dir/a.jpg');
    });
  });

  describe('HttpRequest <-> neutral HTTP', () => {
    it('translates the HttpRequestInit fixture', async () => {
      const { init } = eventFixture<{ init: ConstructorParameters<typeof HttpRequest>[0] }>('azure', 'functions-v4-HttpRequestInit-post-with-params-query.json');
      const neutral = await fromHttpRequest(new HttpRequest(init), 'inv-1');
      expect(neutral.method).to.equal('POST');
      expect(neutral.path).to.equal('/api/helloWorld');
      expect(neutral.query).to.deep.equal({ e: 'f' });
      expect(neutral.headers.a).to.equal('b');
      expect(Buffer.from(neutral.body!).toString()).to.equal('body1');
      expect(neutral.requestId).to.equal('inv-1');
    });

    it('decodes the path once, keeps the first of repeated query values, lower-cases headers', async () => {
      const request = new HttpRequest({
        method: 'get',
        url: 'http://localhost:7071/users/a%20b%2525?limit=5&limit=9',
        headers: { 'If-Match': '"3"', Cookie: 'a=1' },
      });
      const neutral = await fromHttpRequest(request, 'inv-2');
      expect(neutral.method).to.equal('GET');
      expect(neutral.path).to.equal('/users/a b%25');
      expect(neutral.query).to.deep.equal({ limit: '5' });
      expect(neutral.headers['if-match']).to.equal('"3"');
      expect(neutral.headers.cookie).to.equal('a=1');
      expect(neutral).to.not.have.property('body');
    });

    it('maps a response, dropping the body of a 204 and keeping each cookie', () => {
      expect(toHttpResponseInit({ status: 204, headers: { etag: '"2"' }, body: '' })).to.deep.equal({ status: 204, headers: [['etag', '"2"']] });
      const init = toHttpResponseInit({ status: 201, headers: { location: '/users/7' }, cookies: ['a=1', 'b=2'], body: '{"user_id":"7"}' });
      expect(init).to.deep.equal({
        status: 201,
        headers: [['location', '/users/7'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']],
        body: '{"user_id":"7"}',
      });
    });
  });

  describe('queue trigger -> QueueMessage', () => {
    const fixture = eventFixture<{ expectedContextTriggerMetadata: Record<string, unknown> }>('azure', 'functions-v4-triggerMetadata-queueTrigger.json');
    const metadata = fixture.expectedContextTriggerMetadata;

    it('takes id and dequeueCount from the trigger metadata fixture, and re-serialises a parsed body', () => {
      expect(fromQueueTrigger(metadata.queueTrigger, metadata, 'inv')).to.deep.equal({
        id: '814b3b66-0200-4121-8ef3-405846a124bf',
        body: '{"name":"world"}',
        attempts: 1,
      });
    });

    it('counts attempts from a growing dequeueCount and keeps a text body as it is', () => {
      expect(fromQueueTrigger('not json', { ...metadata, dequeueCount: 4 }, 'inv')).to.include({ body: 'not json', attempts: 4 });
      expect(fromQueueTrigger('x', undefined, 'inv-9')).to.deep.equal({ id: 'inv-9', body: 'x', attempts: 1 });
    });
  });

  describe('host.json', () => {
    it('empties the route prefix so paths are /users/... as on the other clouds', () => {
      expect(host.extensions.http.routePrefix).to.equal('');
    });

    it('pins the queue encoding the producers use, and the deliveries the core expects', () => {
      expect(host.extensions.queues.messageEncoding).to.equal('base64');
      expect(queueMessageEncoding).to.equal(host.extensions.queues.messageEncoding);
      expect(maxDequeueCount).to.equal(ordersSpec.settings.maxDeliveries);
      const text = '{"note":"Grüße <&> 東京"}';
      expect(encodeQueueMessage(text)).to.equal(Buffer.from(text).toString('base64'));
      expect(decodeQueueMessage(encodeQueueMessage(text))).to.equal(text);
    });

    it('uses the extension bundle v4 that carries the Event Grid and queue triggers', () => {
      expect(host.extensionBundle.id).to.equal('Microsoft.Azure.Functions.ExtensionBundle');
      expect(host.extensionBundle.version).to.equal('[4.*, 5.0.0)');
    });
  });
});
