/**
 * The pure translators and the host.json pins, with the real payloads in ../shared/fixtures.
 */
import { expect } from 'chai';
import { HttpRequest, HttpResponse } from '@azure/functions';
import host from '../../../adapters/azure/host.json';
import { fromBlobCreated, type BlobCreatedEvent } from '../../../adapters/azure/events/object-created';
import { fromHttpRequest, parseSetCookie, toHttpResponseInit } from '../../../adapters/azure/events/http';
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

    it('takes the name from the subject even when the url is encoded (the url is not decoded on top)', () => {
      const e = forBlob(gridSchema(), 'gaocontainer', 'photos/a b+c 100%25 照片.jpg', 'photos/a%20b%2Bc%20100%2525%20%E7%85%A7%E7%89%87.jpg');
      const t = fromBlobCreated(e, 'gaocontainer');
      expect(t.kind === 'object' && t.object.key).to.equal('photos/a b+c 100%25 照片.jpg');
    });

    it('takes the name from the subject with an Azurite path-style url beside it', () => {
      const e = { ...forBlob(cloudSchema(), 'originals', 'x y.png', ''), data: { url: 'http://127.0.0.1:10000/devstoreaccount1/originals/x%20y.png' } };
      const t = fromBlobCreated(e, 'originals');
      expect(t.kind === 'object' && t.object.key).to.equal('x y.png');
    });

    it('falls back to the subject when there is no url', () => {
      const e = { ...forBlob(gridSchema(), 'gaocontainer', 'a b.jpg', ''), data: {} };
      const t = fromBlobCreated(e, 'gaocontainer');
      expect(t.kind === 'object' && t.object.key).to.equal('a b.jpg');
    });

    it('keeps a name with an unencoded # or ? in the url whole: the subject is the source', () => {
      for (const name of ['photos/a#1.jpg', 'photos/what?.jpg', 'photos/a?b#c.jpg']) {
        // The url as the audit found it: the name pasted in without encoding.
        const e = forBlob(gridSchema(), 'originals', name, name);
        const t = fromBlobCreated(e, 'originals');
        expect(t.kind === 'object' && t.object.key, name).to.equal(name);
      }
    });

    it('leaves out optional fields of the wrong type instead of crashing', () => {
      const e = { ...gridSchema(), eventTime: 5, data: { ...gridSchema().data, eTag: 1e308, contentLength: '17555' } } as unknown as BlobCreatedEvent;
      expect(fromBlobCreated(e, 'gaocontainer')).to.deep.equal({ kind: 'object', object: { bucket: 'gaocontainer', key: 'Template1.xlsx' } });
    });

    it('keeps a literal %41 in a name: never decoded to A', () => {
      for (const url of ['photos/a%41.jpg', 'photos/a%2541.jpg']) {
        const t = fromBlobCreated(forBlob(gridSchema(), 'originals', 'photos/a%41.jpg', url), 'originals');
        expect(t.kind === 'object' && t.object.key, url).to.equal('photos/a%41.jpg');
      }
    });

    describe('without a subject, from the url (decoded once)', () => {
      const noSubject = (url: string): BlobCreatedEvent => ({ ...gridSchema(), subject: undefined, data: { ...gridSchema().data, url } });

      it('host style: /<container>/<name>', () => {
        const t = fromBlobCreated(noSubject('https://acct.blob.core.windows.net/originals/dir/originals/a%20b%2541.jpg'), 'originals');
        expect(t.kind === 'object' && t.object).to.include({ bucket: 'originals', key: 'dir/originals/a b%41.jpg' });
      });

      it('Azurite path style: /<account>/<container>/<name>, even when the account is named like the container', () => {
        const t = fromBlobCreated(noSubject('http://127.0.0.1:10000/originals/originals/x%20y.png'), 'originals');
        expect(t.kind === 'object' && t.object).to.include({ bucket: 'originals', key: 'x y.png' });
        const other = fromBlobCreated(noSubject('http://127.0.0.1:10000/devstoreaccount1/compressed/originals/x.png'), 'originals');
        expect(other.kind === 'skip' && other.reason).to.match(/container compressed is not the originals container/);
        const local = fromBlobCreated(noSubject('http://localhost:10000/devstoreaccount1/originals/x.png'), 'originals');
        expect(local.kind === 'object' && local.object.key).to.equal('x.png');
      });

      it('skips an event with neither a subject nor a usable url', () => {
        const t = fromBlobCreated({ ...gridSchema(), subject: undefined, data: {} }, 'originals');
        expect(t.kind).to.equal('skip');
      });
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

    it('skips, with a reason, a delivery that is not an event at all, and a url that is not a string', () => {
      for (const [event, reason] of [[null, /not an Event Grid event: null/], [undefined, /not an Event Grid event: undefined/]] as const) {
        const t = fromBlobCreated(event, 'originals');
        expect(t.kind === 'skip' && t.reason).to.match(reason);
      }
      const oddUrl = { ...gridSchema(), subject: undefined, data: { url: 42 } } as unknown as BlobCreatedEvent;
      expect(fromBlobCreated(oddUrl, 'originals').kind).to.equal('skip');
      const oddData = { ...gridSchema(), data: 'text' } as unknown as BlobCreatedEvent;
      expect(fromBlobCreated(oddData, 'originals').kind).to.equal('skip'); // another container, read from the subject
    });

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

    it('maps a response, dropping the body of a 204', () => {
      expect(toHttpResponseInit({ status: 204, headers: { etag: '"2"' }, body: '' })).to.deep.equal({ status: 204, headers: [['etag', '"2"']] });
    });

    it('drops the body of any answer to HEAD, whatever the core left in it', () => {
      const ok = { status: 200, headers: { etag: '"2"' }, body: '{"user_id":"u"}' };
      expect(toHttpResponseInit(ok, 'HEAD')).to.deep.equal({ status: 200, headers: [['etag', '"2"']] });
      expect(toHttpResponseInit(ok, 'GET')).to.deep.equal({ status: 200, headers: [['etag', '"2"']], body: '{"user_id":"u"}' });
    });

    it('sends two cookies as HttpResponseInit.cookies, name, value and attributes parsed, none as a header', () => {
      const init = toHttpResponseInit({
        status: 201,
        headers: { location: '/users/7' },
        cookies: [
          'session=abc=123; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=3600',
          'theme=dark; Domain=example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; samesite=strict; Partitioned',
        ],
        body: '{"user_id":"7"}',
      });
      expect(init).to.deep.equal({
        status: 201,
        headers: [['location', '/users/7']],
        cookies: [
          { name: 'session', value: 'abc=123', path: '/', httpOnly: true, secure: true, sameSite: 'Lax', maxAge: 3600 },
          { name: 'theme', value: 'dark', domain: 'example.com', expires: new Date('2026-10-21T07:28:00Z'), sameSite: 'Strict' },
        ],
        body: '{"user_id":"7"}',
      });
      // What the library keeps: both cookies survive in its response, not just the last one.
      const response = new HttpResponse(init);
      expect(response.cookies.map((c) => c.name)).to.deep.equal(['session', 'theme']);
      expect(response.headers.has('set-cookie')).to.equal(false);
    });

    it('moves a set-cookie header the core put among its headers into cookies too', () => {
      const init = toHttpResponseInit({ status: 200, headers: { 'set-cookie': 'a=1; Path=/x', etag: '"1"' }, body: '{}' });
      expect(init.headers).to.deep.equal([['etag', '"1"']]);
      expect(init.cookies).to.deep.equal([{ name: 'a', value: '1', path: '/x' }]);
    });

    it('parses Set-Cookie leniently: no "=" is no cookie, unknown attributes are dropped', () => {
      expect(parseSetCookie('garbage')).to.equal(undefined);
      expect(parseSetCookie('=v')).to.equal(undefined);
      expect(parseSetCookie('a=; Max-Age=-1; Expires=not a date; Priority=High')).to.deep.equal({ name: 'a', value: '', maxAge: -1 });
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

    it('keeps the text of a binary delivery (dataType binary) byte for byte, JSON or not', () => {
      const text = '{ "order_id" : 7,\n "total": 1.50 }';
      expect(fromQueueTrigger(Buffer.from(text), metadata, 'inv')).to.deep.equal({ id: '814b3b66-0200-4121-8ef3-405846a124bf', body: text, attempts: 1 });
      expect(fromQueueTrigger(Buffer.from('"abc"'), metadata, 'inv').body).to.equal('"abc"');
      expect(fromQueueTrigger(new Uint8Array(Buffer.from('Grüße')), metadata, 'inv').body).to.equal('Grüße');
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
