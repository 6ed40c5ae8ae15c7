/** The users entry point on real API Gateway events (both payload formats), with DynamoDB Local behind it. */
import { expect } from 'chai';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { createUsersHandler } from '../../../adapters/aws/users';
import { httpRequest, type ApiGatewayEvent, type ApiGatewayV1Event, type ApiGatewayV2Event } from '../../../adapters/aws/events/http';
import { openApiDocument } from '../../../handlers/users/openapi';
import { checkExchange } from '../../support/openapi-traffic';
import { eventFixture, eventFixtureNames } from '../../support/fixtures';
import { usersHarness } from './harness';

type Harness = Exclude<Awaited<ReturnType<typeof usersHarness>>, string>;
type Result = { statusCode: number; headers: Record<string, string>; body?: string; cookies?: string[] };

const httpFixtures = eventFixtureNames('aws').filter((f) => f.startsWith('apigw-') || f.startsWith('lambda-function-url-'));

/** A captured 2.0 event turned into another request, everything else as captured. */
function v2(method: string, path: string, body?: unknown, base64 = false): ApiGatewayV2Event {
  const event = eventFixture<ApiGatewayV2Event>('aws', 'apigw-v2-put-json-body.json');
  const text = body === undefined ? undefined : JSON.stringify(body);
  return {
    ...event,
    rawPath: path,
    rawQueryString: '',
    body: text === undefined ? undefined : base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: base64,
    headers: { ...event.headers, 'content-type': 'application/json', 'content-length': String(text?.length ?? 0) },
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } },
  };
}

function v1(method: string, path: string, query: Record<string, string[]> | null = null): ApiGatewayV1Event {
  return { ...eventFixture<ApiGatewayV1Event>('aws', 'apigw-v1-get-proxy-path-param.json'), httpMethod: method, path, multiValueQueryStringParameters: query };
}

describe('aws users entry point', function () {
  this.timeout(60_000);
  let h: Harness;
  let handle: (event: ApiGatewayEvent) => Promise<Result>;
  before(async function () {
    const started = await usersHarness();
    if (typeof started === 'string') {
      console.warn(`  skipped: ${started}`);
      this.skip();
    }
    h = started as Harness;
    const handler = createUsersHandler(h.wiring);
    // Every exchange is checked against openapi.json: the request as the adapter decodes the event.
    handle = async (event) => {
      const result = (await handler(event, { awsRequestId: 'req' })) as Result;
      await checkExchange(httpRequest(event), { status: result.statusCode, headers: result.headers, body: result.body === '' ? undefined : result.body });
      return result;
    };
  });

  for (const file of httpFixtures) {
    it(`answers ${file} (a route the API does not have) with a 404 problem`, async () => {
      const result = await handle(eventFixture<ApiGatewayEvent>('aws', file));
      expect(result.statusCode).to.equal(404);
      expect(result.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(JSON.parse(result.body!).status).to.equal(404);
    });
  }

  it('signs an upload for a user, which a plain multipart form posts into the originals bucket, under /users/{id}/{proxy+}', async () => {
    const created = await handle(v2('POST', '/users', { name: 'Ada', email: `ada-${randomUUID()}@example.com` }));
    const id = (JSON.parse(created.body!) as { user_id: string }).user_id;
    const photo = Buffer.from('not checked by S3: the images function reads the format');
    const asked = await handle(v2('POST', `/users/${id}/uploads`, { filename: 'a.jpg', content_type: 'image/jpeg', bytes: photo.length }));
    expect(asked.statusCode, asked.body).to.equal(201);
    const grant = JSON.parse(asked.body!) as { key: string; upload: { method: string; url: string; fields: Record<string, string> } };
    expect(grant.upload.method).to.equal('POST');
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.upload.fields)) form.append(name, value);
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'a.jpg');
    const posted = await fetch(grant.upload.url, { method: 'POST', body: form });
    expect(posted.status).to.equal(204);
    const listed = await h.s3.s3.send(new ListObjectsV2Command({ Bucket: h.buckets.originals, Prefix: `${id}/` }));
    expect((listed.Contents ?? []).map((o) => o.Key)).to.deep.equal([grant.key]);
    const images = await handle(v2('GET', `/users/${id}/images`));
    expect(JSON.parse(images.body!)).to.deep.equal({ images: [], count: 0 });
  });

  it('creates a user from a 2.0 event and reads it back through a 1.0 event', async () => {
    const email = `ada-${randomUUID()}@example.com`;
    const created = await handle(v2('POST', '/users', { name: 'Ada', email }));
    expect(created.statusCode).to.equal(201);
    const user = JSON.parse(created.body!);
    expect(created.headers.location).to.equal(`/users/${user.user_id}`);
    const read = await handle(v1('GET', `/users/${user.user_id}`));
    expect(read.statusCode).to.equal(200);
    expect(JSON.parse(read.body!)).to.deep.equal(user);
    expect(read.headers.etag).to.equal('"v1"');
    for (const head of [v2('HEAD', `/users/${user.user_id}`), v1('HEAD', `/users/${user.user_id}`)]) {
      const answered = await handle(head);
      expect([answered.statusCode, answered.headers.etag], 'HEAD is the GET').to.deep.equal([200, '"v1"']);
      expect(answered.body ?? '', 'without a body').to.equal('');
    }
  });

  it('decodes a base64 body (function URL style) before the core sees it', async () => {
    const email = `b64-${randomUUID()}@example.com`;
    const created = await handle(v2('POST', '/users', { name: 'Grace', email }, true));
    expect(created.statusCode).to.equal(201);
    expect(JSON.parse(created.body!).email).to.equal(email);
  });

  it('answers a duplicate email with 409 and a delete with a bodyless 204', async () => {
    const email = `dup-${randomUUID()}@example.com`;
    const first = JSON.parse((await handle(v2('POST', '/users', { name: 'One', email }))).body!);
    expect((await handle(v2('POST', '/users', { name: 'Two', email }))).statusCode).to.equal(409);
    const deleted = await handle(v2('DELETE', `/users/${first.user_id}`));
    expect(deleted.statusCode).to.equal(204);
    expect(deleted).to.not.have.property('body');
    expect((await handle(v1('GET', `/users/${first.user_id}`))).statusCode).to.equal(404);
  });

  it('pages through users with the first value of a repeated limit (1.0 multi-value query)', async () => {
    for (let i = 0; i < 3; i++) await handle(v2('POST', '/users', { name: `P${i}`, email: `p${i}-${randomUUID()}@example.com` }));
    const page = await handle(v1('GET', '/users', { limit: ['2', '50'] }));
    expect(page.statusCode).to.equal(200);
    const body = JSON.parse(page.body!);
    expect(body.users).to.have.length(2);
    expect(body.next_cursor).to.be.a('string');
    const next = await handle(v1('GET', '/users', { limit: ['2'], cursor: [body.next_cursor] }));
    expect(JSON.parse(next.body!).users[0].user_id > body.users[1].user_id).to.equal(true);
    expect((await handle(v1('GET', '/users', { cursor: ['forged'] }))).statusCode).to.equal(400);
  });

  it('serves the API description to GET /openapi.json (its own public route)', async () => {
    const result = await handle(v2('GET', '/openapi.json'));
    expect(result.statusCode).to.equal(200);
    expect(JSON.parse(result.body!)).to.deep.equal(openApiDocument());
  });

  it('answers a store failure with a 500 problem carrying the request id', async () => {
    const failing = createUsersHandler(await h.unreachable());
    const event = v2('GET', '/users/u-1');
    const result = (await failing(event, { awsRequestId: 'req' })) as Result;
    expect(result.statusCode).to.equal(500);
    await checkExchange(httpRequest(event), { status: result.statusCode, headers: result.headers, body: result.body });
    expect(result.headers['content-type']).to.match(/^application\/problem\+json/);
  });
});
