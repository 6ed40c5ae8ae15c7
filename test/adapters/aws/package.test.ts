/**
 * The built users and orders packages, loaded in a fresh Node process from a folder with no
 * node_modules anywhere above it (as in Lambda, where only the package is there; the test checks
 * that), invoked with a real event against the local peers through the SDK's
 * AWS_ENDPOINT_URL_<SERVICE> variables. Both bundle the SDK, so they must require no package at all.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CREDENTIAL_CHAIN_FILE, SIGNING_FILE, packageAws } from '../../../scripts/package/aws';
import { bundleRequires } from '../../../scripts/package/externals';
import type { PackageReport } from '../../../scripts/package/report';
import type { ApiGatewayV2Event } from '../../../adapters/aws/events/http';
import type { SqsEvent } from '../../../adapters/aws/events/queue-message';
import { drain } from '../../support/aws-queues';
import { eventFixture } from '../../support/fixtures';
import { ordersHarness, usersHarness } from './harness';

const run = promisify(execFile);

/**
 * Invokes `handler` of the bundle in a new process and returns what it resolved to, whether the
 * process loaded the package's credential chain, and which of the package's files it loaded (by
 * name, from `require.cache`). A variable given as undefined is left unset.
 */
async function invokeSeeing(bundle: string, event: unknown, env: Record<string, string | undefined>): Promise<{ result: unknown; chainLoaded: boolean; loaded: string[] }> {
  const dir = dirname(bundle);
  const script = `require(${JSON.stringify(bundle)}).handler(JSON.parse(process.env.TEST_EVENT),{awsRequestId:'bundle-test'})` +
    `.then((r)=>process.stdout.write('\\nRESULT '+JSON.stringify({ result: r, chainLoaded: Object.keys(require.cache).some((f) => f.endsWith('${CREDENTIAL_CHAIN_FILE}')),` +
    ` loaded: Object.keys(require.cache).filter((f) => require('node:path').dirname(f) === ${JSON.stringify(dir)}).map((f) => require('node:path').basename(f)).sort() })))`;
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    TEST_EVENT: JSON.stringify(event),
    ...env,
  };
  const { stdout } = await run(process.execPath, ['-e', script], {
    cwd: tmpdir(),
    env: Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined)),
  });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line, `no result in:\n${stdout}`).to.not.equal(undefined);
  return JSON.parse(line!.slice('RESULT '.length));
}

async function invoke(bundle: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  return (await invokeSeeing(bundle, event, env)).result;
}

describe('aws packages: users and orders bundles in a fresh process', function () {
  this.timeout(120_000);
  let out: string;
  let reports: PackageReport[];
  let users: Exclude<Awaited<ReturnType<typeof usersHarness>>, string>;
  let orders: Exclude<Awaited<ReturnType<typeof ordersHarness>>, string>;

  before(async function () {
    const u = await usersHarness();
    const o = await ordersHarness();
    if (typeof u === 'string' || typeof o === 'string') {
      console.warn(`  skipped: ${u}`);
      this.skip();
    }
    users = u as typeof users;
    orders = o as typeof orders;
    out = mkdtempSync(join(tmpdir(), 'aws-packages-'));
    reports = await packageAws({ outDir: out, functions: ['users', 'orders'], nativeSharp: false });
  });
  after(() => out && rmSync(out, { recursive: true, force: true }));

  it('builds one minified bundle with a source map per function, the default credential chain beside it, and the users signing path', () => {
    expect(readdirSync(join(out, 'aws', 'users')).sort()).to.deep.equal(['credential-chain.js', 'credential-chain.js.map', 'index.js', 'index.js.map', 'object-urls.js', 'object-urls.js.map']);
    expect(readdirSync(join(out, 'aws', 'orders')).sort()).to.deep.equal(['credential-chain.js', 'credential-chain.js.map', 'index.js', 'index.js.map']);
  });

  it("users: index.js holds neither the S3 client nor the presigners, object-urls.js holds them, and orders' index.js none of users' modules (the source maps' inputs)", () => {
    const sources = (file: string) => (JSON.parse(readFileSync(join(out, 'aws', 'users', `${file}.map`), 'utf8')) as { sources: string[] }).sources;
    const s3Packages = /node_modules\/@aws-sdk\/(client-s3|s3-presigned-post|s3-request-presigner)\//;
    expect(sources('index.js').filter((s) => s3Packages.test(s)), 'index.js').to.deep.equal([]);
    const signing = new Set(sources(SIGNING_FILE).map((s) => s.match(s3Packages)?.[1]).filter((p) => p !== undefined));
    expect([...signing].sort(), SIGNING_FILE).to.deep.equal(['client-s3', 's3-presigned-post', 's3-request-presigner']);
    // nor does orders, whose wiring module holds the users loader too: none of users' S3 and DynamoDB modules
    const orders = (JSON.parse(readFileSync(join(out, 'aws', 'orders', 'index.js.map'), 'utf8')) as { sources: string[] }).sources;
    const usersOnly = /adapters\/aws\/(ports\/object-urls|s3-client|ports\/user-repository)\.ts$/;
    expect(orders.filter((s) => s3Packages.test(s) || usersOnly.test(s)), 'orders index.js').to.deep.equal([]);
    // and the shipped code itself: S3's operation names are in the signing file only
    expect(readFileSync(join(out, 'aws', 'users', 'index.js'), 'utf8')).to.not.include('ListObjectsV2');
    expect(readFileSync(join(out, 'aws', 'users', SIGNING_FILE), 'utf8')).to.include('ListObjectsV2');
  });

  it('requires no package at run time (the SDK is bundled), and nothing above the bundles could supply one', async () => {
    for (const fn of ['users', 'orders']) {
      const report = reports.find((r) => r.fn === fn)!;
      expect(report.externals, `${fn}: esbuild's view`).to.deep.equal([]);
      for (const file of readdirSync(join(out, 'aws', fn)).filter((f) => f.endsWith('.js'))) {
        expect(await bundleRequires(join(out, 'aws', fn, file)), `${fn}: the shipped ${file}`).to.deep.equal([]);
      }
    }
    // The fresh processes below would otherwise resolve what the package lacks from a parent folder.
    for (let dir = join(out, 'aws', 'users'); dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).to.equal(false);
    }
  });

  it('users: a 2.0 POST creates the user in DynamoDB', async () => {
    const event = eventFixture<ApiGatewayV2Event>('aws', 'apigw-v2-post-real-capture.json');
    const email = `bundle-${randomUUID()}@example.com`;
    const body = JSON.stringify({ name: 'Bundled', email });
    const request = {
      ...event,
      rawPath: '/users',
      body,
      headers: { ...event.headers, 'content-type': 'application/json', 'content-length': String(body.length) },
      requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path: '/users' } },
    };
    const result = (await invoke(join(out, 'aws', 'users', 'index.js'), request, users.env)) as { statusCode: number; body: string };
    expect(result.statusCode).to.equal(201);
    const created = JSON.parse(result.body);
    expect(await users.wiring.deps.users.get(created.user_id)).to.deep.include({ email, name: 'Bundled', version: 1 });
  });

  it('orders: an SQS batch places the order and dead-letters the bad record', async () => {
    const product = `sku-${randomUUID().slice(0, 8)}`;
    await orders.ledger.setStock(product, 4);
    const orderId = `ord-${randomUUID()}`;
    const event = eventFixture<SqsEvent>('aws', 'sqs-batch-2-records-one-bad-body.json');
    event.Records![0].body = JSON.stringify({ order_id: orderId, user_id: 'u-1', items: [{ product_id: product, quantity: 3 }], total_amount: 900, currency: 'EUR' });
    const reply = await invoke(join(out, 'aws', 'orders', 'index.js'), event, orders.env);
    expect(reply).to.deep.equal({ batchItemFailures: [] });
    expect(await orders.ledger.getStock(product)).to.equal(1);
    const letters = (await drain(orders.sqs, orders.deadLetters.url)).map((m) => JSON.parse(m.body));
    expect(letters.map((l) => l.message)).to.deep.equal([event.Records![1].body]);
    const payments = (await drain(orders.sqs, orders.payments.url)).map((m) => JSON.parse(m.body));
    expect(payments.map((p) => p.order_id)).to.deep.equal([orderId]);
  });

  it('users: loads object-urls.js on the first image route only, and signs an upload with it', async () => {
    const event = eventFixture<ApiGatewayV2Event>('aws', 'apigw-v2-get-with-stage.json');
    const env = { ...users.env, AWS_ENDPOINT_URL_S3: users.s3.endpoint };
    const plain = await invokeSeeing(join(out, 'aws', 'users', 'index.js'), { ...event, routeKey: 'GET /users/{id}', rawPath: '/users/nobody', pathParameters: { id: 'nobody' } }, env);
    expect(plain.result).to.deep.include({ statusCode: 404 });
    expect(plain.loaded, 'a users route').to.deep.equal(['index.js']);

    const email = `bundle-${randomUUID()}@example.com`;
    const id = `u-${randomUUID()}`;
    const now = new Date().toISOString();
    expect(await users.wiring.deps.users.create({ user_id: id, name: 'Signed', email, version: 1, created_at: now, updated_at: now })).to.equal('created');
    const body = JSON.stringify({ filename: 'a.jpg', content_type: 'image/jpeg', bytes: 1000 });
    const upload = {
      ...event,
      routeKey: 'POST /users/{id}/{proxy+}',
      rawPath: `/users/${id}/uploads`,
      rawQueryString: '',
      queryStringParameters: undefined,
      pathParameters: { id, proxy: 'uploads' },
      body,
      headers: { ...event.headers, 'content-type': 'application/json', 'content-length': String(body.length) },
      requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'POST', path: `/users/${id}/uploads` } },
    };
    const signed = await invokeSeeing(join(out, 'aws', 'users', 'index.js'), upload, env);
    const result = signed.result as { statusCode: number; body: string };
    expect(result.statusCode, result.body).to.equal(201);
    const grant = JSON.parse(result.body) as { upload: { method: string; url: string; fields: Record<string, string> } };
    expect(grant.upload.method).to.equal('POST');
    expect(grant.upload.url).to.equal(`${users.s3.endpoint}/${users.buckets.originals}`);
    expect(grant.upload.fields).to.have.property('X-Amz-Signature');
    expect(signed.loaded, 'an image route').to.deep.equal(['index.js', SIGNING_FILE]);
  });

  it('takes the credentials Lambda puts in the environment without loading the default chain', async () => {
    const event = eventFixture<ApiGatewayV2Event>('aws', 'apigw-v2-get-with-stage.json');
    const request = { ...event, routeKey: 'GET /users/{id}', rawPath: '/users/nobody', pathParameters: { id: 'nobody' } };
    const seen = await invokeSeeing(join(out, 'aws', 'users', 'index.js'), request, { ...users.env, AWS_SESSION_TOKEN: 'session' });
    expect(seen.result).to.deep.include({ statusCode: 404 });
    expect(seen.chainLoaded, 'credential-chain.js loaded').to.equal(false);
  });

  it('loads the default chain when the environment holds no keys, and signs with what it finds (a shared credentials file)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aws-home-'));
    try {
      // DynamoDB Local keeps the tables of each access key apart: the chain must find the harness's.
      const file = join(home, 'credentials');
      writeFileSync(file, `[default]\naws_access_key_id = test\naws_secret_access_key = test\n`);
      const event = eventFixture<ApiGatewayV2Event>('aws', 'apigw-v2-get-with-stage.json');
      const request = { ...event, routeKey: 'GET /users', rawPath: '/users', rawQueryString: 'limit=1', queryStringParameters: { limit: '1' }, pathParameters: undefined };
      const seen = await invokeSeeing(join(out, 'aws', 'users', 'index.js'), request, {
        ...users.env,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SHARED_CREDENTIALS_FILE: file,
        AWS_CONFIG_FILE: join(home, 'config'),
        HOME: home,
        // no instance metadata here: the chain must not wait for one
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      expect(seen.result).to.deep.include({ statusCode: 200 });
      expect(seen.chainLoaded, 'credential-chain.js loaded').to.equal(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
