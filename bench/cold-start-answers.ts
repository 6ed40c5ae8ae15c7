/**
 * The first invocation of every function package, each against real local peers (test/support,
 * reused through ./peers.ts), so that "first answer" is a real round trip:
 * - aws/users: API Gateway v2 GET /users/{id} -> DynamoDB Local GetItem (404);
 * - aws/orders: an SQS batch of one order -> DynamoDB Local TransactWriteItems, then the payment
 *   request to an SQS queue and the event to an SNS topic on fauxqs;
 * - aws/images: an S3 ObjectCreated event -> s3rver GetObject, sharp, PutObject;
 * - azure/app (one package, three functions): users -> Azurite Table storage; orders -> Azurite
 *   tables and queues plus the Event Grid stand-in; images -> Azurite blobs;
 * - gcp/*: served by the Functions Framework in the child (its test server, a real HTTP request):
 *   users -> the Firestore emulator; orders (a Pub/Sub push) -> Firestore and the Pub/Sub
 *   emulator; images (a storage CloudEvent) -> the Cloud Storage stand-in and sharp.
 * The events come from the captured payloads in ../shared/fixtures/events. The SDKs find the peers
 * through their own variables (AWS_ENDPOINT_URL_<SERVICE>, a connection string,
 * FIRESTORE_EMULATOR_HOST, ...), as the adapter tests' bundles do.
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { TableClient } from '@azure/data-tables';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsEnvironment as awsNames } from '../adapters/aws/environment';
import { DynamoOrderLedger } from '../adapters/aws/ports/order-ledger';
import { TableOrderLedger } from '../adapters/azure/ports/order-ledger';
import { gcpEmulatorEnvironment } from '../adapters/gcp/environment';
import { GcsBlobStore } from '../adapters/gcp/ports/blob-store';
import { FirestoreOrderLedger } from '../adapters/gcp/ports/order-ledger';
import { provisionApp } from '../test/adapters/azure/app-harness';
import { gcpFunctionsEnvironment } from '../test/adapters/gcp/support/functions-environment';
import { startGcsStandIn } from '../test/adapters/gcp/support/gcs-stand-in';
import { createQueue, createTopicWithQueue } from '../test/support/aws-queues';
import { startAzurite, startEventGridStandIn } from '../test/support/azure-peers';
import { outputKeyFor } from '../handlers/images/compressed-copy';
import { readSettings } from '../handlers/settings';
import { imagesSpec } from '../handlers/specs';
import { eventFixture, fixturePath } from '../test/support/fixtures';
import { awsPeers, gcpPeers, stopPeers } from './peers';

/** What the child process does after loading the package (see CHILD in ./cold-start.ts). */
export type ChildCall =
  /** Calls an export of the package (a Lambda handler). */
  | { kind: 'export'; export: string; event: unknown; context: unknown }
  /** Calls the handler the package registered with the Functions worker (a stand-in core API). */
  | { kind: 'azure'; fn: string; input: unknown; http?: { method: string; url: string; headers: Record<string, string>; body?: string }; context: unknown }
  /** Serves the target with the Functions Framework's test server and sends it one HTTP request. */
  | { kind: 'ff-http'; target: string; method: string; path: string; headers: Record<string, string>; body?: string; pubsubPush?: unknown };

export interface FirstAnswer {
  /** The function, when the package hosts several (azure/app). */
  fn: string;
  /** What the call does, for the table. */
  what: string;
  call: ChildCall;
  env: Record<string, string>;
  /** Undefined when the answer (JSON, as the child printed it) is the right one; else what is wrong. */
  check(answer: string): string | undefined;
  /** Before each run: undo what the previous run left (an image's compressed copy), so each does the whole work. */
  reset?(): Promise<void>;
  /** After each run: what is wrong with the peer's state, if anything (the copy must be there). */
  verify?(): Promise<string | undefined>;
}

export interface FirstAnswers {
  /** By package name (dist-relative, e.g. `aws/users`). */
  calls: Record<string, FirstAnswer[]>;
  /** Why a package has no first answer here. */
  missing: Record<string, string>;
  stop(): Promise<void>;
}

/** Replaced in the child by a token of its own, so that each run places a new order. */
export const RUN_TOKEN = '__RUN__';
const STOCK = 100_000;
const IMAGE = 'exif-orientation-Landscape_1.jpg';
const imageWhat = '2.2 MP JPEG fixture';
/** Where the images function writes its copy of photo.jpg in the compressed bucket. */
const OUTPUT_KEY = outputKeyFor('photo.jpg', readSettings(imagesSpec, {}).outputPrefix);

/** The answer has `field` equal to `value` at the given path ("a.b.0.c"). */
function expectField(path: string, value: unknown): (answer: string) => string | undefined {
  return (answer) => {
    let at: unknown;
    try {
      at = JSON.parse(answer);
    } catch {
      return `answer is not JSON: ${answer.slice(0, 120)}`;
    }
    for (const key of path.split('.')) at = (at as Record<string, unknown> | undefined)?.[key];
    return JSON.stringify(at) === JSON.stringify(value) ? undefined : `expected ${path} = ${JSON.stringify(value)}: ${answer.slice(0, 160)}`;
  };
}

function order(product: string) {
  return { order_id: `ord-bench-${RUN_TOKEN}`, user_id: 'u-bench', items: [{ product_id: product, quantity: 1 }], total_amount: 1000, currency: 'EUR' };
}

async function awsAnswers(calls: FirstAnswers['calls'], missing: FirstAnswers['missing'], _closers: (() => Promise<void>)[]): Promise<void> {
  const peers = awsPeers();
  const dynamo = await peers.dynamoPeer();
  if (typeof dynamo === 'string') {
    missing['aws/users'] = missing['aws/orders'] = dynamo;
  } else {
    const { usersTable, ordersTable } = await dynamo.createTables();
    // DynamoDB Local keeps one set of tables per access key and region: the peer's own ('test').
    const base = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint };
    const v2 = eventFixture<Record<string, unknown> & { requestContext: Record<string, unknown> & { http: Record<string, unknown> } }>('aws', 'apigw-v2-get-with-stage.json');
    const path = '/users/no-such-user';
    calls['aws/users'] = [{
      fn: 'users',
      what: 'GET /users/{id} (API Gateway v2) -> DynamoDB Local GetItem: 404',
      call: {
        kind: 'export',
        export: 'handler',
        event: { ...v2, routeKey: 'GET /users/{id}', rawPath: path, pathParameters: { id: 'no-such-user' }, requestContext: { ...v2.requestContext, stage: '$default', routeKey: 'GET /users/{id}', http: { ...v2.requestContext.http, method: 'GET', path } } },
        context: { awsRequestId: 'bench-cold-start' },
      },
      // the bucket names the image routes sign for (not reached by this GET)
      env: { ...base, [awsNames.users.usersTable]: usersTable, [awsNames.users.originalsBucket]: 'bench-originals', [awsNames.users.compressedBucket]: 'bench-compressed' },
      check: expectField('statusCode', 404),
    }];

    const { sqs, sns, endpoint } = await peers.messagingPeer();
    const product = `p-${randomUUID().slice(0, 8)}`;
    await new DynamoOrderLedger(dynamo.doc, ordersTable).setStock(product, STOCK);
    const payments = await createQueue(sqs, 'bench-payments');
    const deadLetters = await createQueue(sqs, 'bench-orders-dlq');
    const events = await createTopicWithQueue(sns, sqs, 'bench-events');
    const batch = eventFixture<{ Records: Record<string, unknown>[] }>('aws', 'sqs-batch-2-records.json');
    calls['aws/orders'] = [{
      fn: 'orders',
      what: 'SQS batch of 1 order -> DynamoDB Local transaction, SQS payment request, SNS event (fauxqs): placed',
      call: {
        kind: 'export',
        export: 'handler',
        event: { Records: [{ ...batch.Records[0], messageId: `m-${RUN_TOKEN}`, body: JSON.stringify(order(product)) }] },
        context: { awsRequestId: 'bench-cold-start' },
      },
      env: {
        ...base,
        AWS_ENDPOINT_URL_SQS: endpoint,
        AWS_ENDPOINT_URL_SNS: endpoint,
        [awsNames.orders.ordersTable]: ordersTable,
        [awsNames.orders.paymentsQueueUrl]: payments.url,
        [awsNames.orders.eventsTopicArn]: events.topicArn,
        [awsNames.orders.deadLetterQueueUrl]: deadLetters.url,
      },
      check: expectField('batchItemFailures', []),
    }];
  }

  const s3 = await peers.s3Peer();
  const { sqs, endpoint: sqsEndpoint } = await peers.messagingPeer();
  const originals = `originals-${randomUUID().slice(0, 8)}`;
  const compressed = `compressed-${randomUUID().slice(0, 8)}`;
  await s3.createBucket(originals);
  await s3.createBucket(compressed);
  await s3.s3.send(new PutObjectCommand({ Bucket: originals, Key: 'photo.jpg', Body: readFileSync(fixturePath('images', IMAGE)), ContentType: 'image/jpeg' }));
  const imagesDlq = await createQueue(sqs, 'bench-images-dlq');
  const put = eventFixture<{ Records: { s3: { bucket: Record<string, unknown>; object: Record<string, unknown> } }[] }>('aws', 's3-put-real-capture.json');
  const record = put.Records[0];
  calls['aws/images'] = [{
    fn: 'images',
    what: `S3 ObjectCreated (${imageWhat}) -> s3rver GetObject, sharp, PutObject: compressed`,
    call: {
      kind: 'export',
      export: 'handler',
      event: { Records: [{ ...record, s3: { ...record.s3, bucket: { ...record.s3.bucket, name: originals, arn: `arn:aws:s3:::${originals}` }, object: { ...record.s3.object, key: 'photo.jpg' } } }] },
      context: { awsRequestId: 'bench-cold-start' },
    },
    env: {
      AWS_REGION: 'us-east-1',
      // s3rver checks signatures against its own fixed key pair.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      [awsNames.images.originalsBucket]: originals,
      [awsNames.images.compressedBucket]: compressed,
      [awsNames.images.deadLetterQueueUrl]: imagesDlq.url,
    },
    check: expectField('results.0.outcome', 'compressed'),
    reset: async () => {
      await s3.s3.send(new DeleteObjectCommand({ Bucket: compressed, Key: OUTPUT_KEY }));
    },
  }];
}

/** The Functions worker provides `@azure/functions-core`; this one keeps what the app registers. */
const WORKER_CORE = `const handlers = {};
module.exports = { handlers, setProgrammingModel() {}, getProgrammingModel() { return undefined; },
  registerFunction(metadata, handler) { handlers[metadata.name] = handler; return { dispose() {} }; },
  registerHook() { return { dispose() {} }; }, log() {} };
`;

/** Writes the stand-in `@azure/functions-core` under `dir`/node_modules (for NODE_PATH). */
export function writeWorkerCore(dir: string): void {
  const coreDir = join(dir, 'node_modules', '@azure', 'functions-core');
  mkdirSync(coreDir, { recursive: true });
  writeFileSync(join(coreDir, 'index.js'), WORKER_CORE);
  writeFileSync(join(coreDir, 'package.json'), '{"name":"@azure/functions-core","main":"index.js"}');
}

async function azureAnswers(calls: FirstAnswers['calls'], missing: FirstAnswers['missing'], closers: (() => Promise<void>)[]): Promise<void> {
  const azurite = await startAzurite();
  if (!azurite) {
    missing['azure/app'] = 'Azurite is not installed (npm ci installs it)';
    return;
  }
  closers.push(() => azurite.stop());
  const grid = await startEventGridStandIn();
  closers.push(() => grid.stop());
  const core = mkdtempSync(join(tmpdir(), 'bench-azure-core-'));
  closers.push(async () => rmSync(core, { recursive: true, force: true }));
  writeWorkerCore(core);

  // The containers, queues, tables and app settings the Azure adapter tests provision, as
  // infra/azure names them in the app settings.
  const cs = azurite.connectionString;
  const { settings, blobs, names } = await provisionApp(cs, grid);
  const product = `p-${randomUUID().slice(0, 8)}`;
  await new TableOrderLedger(TableClient.fromConnectionString(cs, names.ledger, { allowInsecureConnection: true })).setStock(product, STOCK);
  const original = blobs.getContainerClient(names.originals).getBlockBlobClient('photo.jpg');
  const uploaded = await original.uploadData(readFileSync(fixturePath('images', IMAGE)), { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });

  const env = { NODE_PATH: join(core, 'node_modules'), ...settings };
  const context = (extra: Record<string, unknown> = {}) => ({ invocationId: `bench-${RUN_TOKEN}`, functionName: 'bench', ...extra });
  const grid0 = eventFixture<Record<string, unknown>[] | Record<string, unknown>>('azure', 'eventgrid-blobcreated.eventgrid-schema.json');
  const gridEvent = (Array.isArray(grid0) ? grid0[0] : grid0) as Record<string, unknown> & { data: Record<string, unknown> };
  calls['azure/app'] = [
    {
      fn: 'users',
      what: 'HTTP GET /users/{id} -> Azurite Table storage: 404',
      call: { kind: 'azure', fn: 'users', input: null, http: { method: 'GET', url: 'http://localhost/users/no-such-user', headers: {} }, context: context() },
      env,
      check: expectField('status', 404),
    },
    {
      fn: 'orders',
      what: 'queue message of 1 order -> Azurite tables (ledger) and queue (payments), Event Grid stand-in: placed',
      call: {
        kind: 'azure',
        fn: 'orders',
        input: order(product),
        context: context({ triggerMetadata: { id: `q-${RUN_TOKEN}`, dequeueCount: 1, insertionTime: new Date().toISOString() } }),
      },
      env,
      check: expectField('outcome', 'placed'),
    },
    {
      fn: 'images',
      what: `Event Grid BlobCreated (${imageWhat}) -> Azurite blobs, sharp: compressed`,
      call: {
        kind: 'azure',
        fn: 'images',
        input: {
          ...gridEvent,
          id: `e-${RUN_TOKEN}`,
          subject: `/blobServices/default/containers/${names.originals}/blobs/photo.jpg`,
          eventTime: new Date().toISOString(),
          data: { ...gridEvent.data, api: 'PutBlob', url: original.url, eTag: uploaded.etag, contentType: 'image/jpeg' },
        },
        context: context(),
      },
      env,
      check: expectField('outcome', 'compressed'),
      reset: async () => {
        await blobs.getContainerClient(names.compressed).getBlockBlobClient(OUTPUT_KEY).deleteIfExists();
      },
    },
  ];
}

async function gcpAnswers(calls: FirstAnswers['calls'], missing: FirstAnswers['missing'], closers: (() => Promise<void>)[]): Promise<void> {
  const support = gcpPeers();
  const absent = support.gcpPeersMissing();
  const run = randomUUID().slice(0, 8);
  const originals = `originals-${run}`;
  const compressed = `compressed-${run}`;
  const standIn = await startGcsStandIn([originals, compressed]);
  closers.push(() => standIn.close());
  // The storage client fixes its endpoints at construction, from STORAGE_EMULATOR_HOST.
  const previous = process.env[gcpEmulatorEnvironment.storage];
  process.env[gcpEmulatorEnvironment.storage] = standIn.endpoint;
  try {
    await new GcsBlobStore(new Storage({ projectId: 'bench' })).put(originals, 'photo.jpg', readFileSync(fixturePath('images', IMAGE)), { contentType: 'image/jpeg', metadata: {} });
  } finally {
    if (previous === undefined) delete process.env[gcpEmulatorEnvironment.storage];
    else process.env[gcpEmulatorEnvironment.storage] = previous;
  }
  const object = standIn.objects.get(`${originals}/photo.jpg`)!.resource;
  const structured = eventFixture<Record<string, unknown>>('gcp', 'storage-object-finalized.cloudevent-structured.json');
  // The Framework answers 204 whether the copy was made or found already made: the stand-in tells.
  const imagesState = {
    reset: async () => void standIn.objects.delete(`${compressed}/${OUTPUT_KEY}`),
    verify: async () => (standIn.objects.has(`${compressed}/${OUTPUT_KEY}`) ? undefined : `no ${OUTPUT_KEY} in ${compressed} after the run`),
  };
  const imagesCall: ChildCall = {
    kind: 'ff-http',
    target: 'images',
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({ ...structured, id: `ce-${RUN_TOKEN}`, source: `//storage.googleapis.com/projects/_/buckets/${originals}`, subject: 'objects/photo.jpg', data: object }),
  };
  // Named here, created only where the Pub/Sub emulator runs: the images function publishes to
  // its dead-letter topic only when an image fails.
  const topics = { payments: `payments-${run}`, events: `events-${run}`, ordersDeadLetters: `orders-dl-${run}`, imagesDeadLetters: `images-dl-${run}` };
  if (absent) {
    missing['gcp/users'] = missing['gcp/orders'] = absent;
  } else {
    const { firestoreHost, pubsubHost, projectId } = await support.gcpPeers();
    const pubsub = new PubSub({ projectId });
    for (const topic of Object.values(topics)) await pubsub.createTopic(topic);
    await pubsub.close();
    const firestore = new Firestore({ projectId, ignoreUndefinedProperties: true });
    const product = `p-${run}`;
    await new FirestoreOrderLedger(firestore).setStock(product, STOCK);
    await firestore.terminate();
    const env = {
      [gcpEmulatorEnvironment.firestore]: firestoreHost,
      [gcpEmulatorEnvironment.pubsub]: pubsubHost,
      ...gcpFunctionsEnvironment({ projectId, originals, compressed, topics, storageEndpoint: standIn.endpoint }),
    };
    calls['gcp/users'] = [{
      fn: 'users',
      what: 'HTTP GET /users/{id} (Functions Framework) -> Firestore emulator: 404',
      call: { kind: 'ff-http', target: 'users', method: 'GET', path: '/users/no-such-user', headers: {} },
      env,
      check: expectField('status', 404),
    }];
    calls['gcp/orders'] = [{
      fn: 'orders',
      what: 'Pub/Sub push of 1 order (Functions Framework) -> Firestore emulator batched write, Pub/Sub emulator publish: 204',
      call: {
        kind: 'ff-http',
        target: 'orders',
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/json' },
        pubsubPush: { subscription: `projects/${projectId}/subscriptions/orders`, message: { messageId: `m-${RUN_TOKEN}`, publishTime: new Date().toISOString(), data: order(product) } },
      },
      env,
      check: expectField('status', 204),
    }];
    calls['gcp/images'] = [{ fn: 'images', what: `storage CloudEvent (${imageWhat}, Functions Framework) -> Cloud Storage stand-in, sharp, Pub/Sub emulator unused: 204`, call: imagesCall, env, check: expectField('status', 204), ...imagesState }];
    return;
  }
  // Without the Pub/Sub emulator the images function still runs: its dead-letter topic is only
  // published to when an image fails.
  calls['gcp/images'] = [{
    fn: 'images',
    what: `storage CloudEvent (${imageWhat}, Functions Framework) -> Cloud Storage stand-in, sharp: 204`,
    call: imagesCall,
    env: gcpFunctionsEnvironment({ projectId: 'bench', originals, compressed, topics, storageEndpoint: standIn.endpoint }),
    check: expectField('status', 204),
    ...imagesState,
  }];
}

/** `clouds`: only these clouds' peers are started and their calls made (all three by default). */
export async function firstAnswers(clouds: readonly string[] = ['aws', 'azure', 'gcp']): Promise<FirstAnswers> {
  const calls: FirstAnswers['calls'] = {};
  const missing: FirstAnswers['missing'] = {};
  // aws-peers and gcp-peers stop through stopPeers, last (closers run in reverse).
  const closers: (() => Promise<void>)[] = [stopPeers];
  const stop = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((err: unknown) => console.error(`bench: stopping a peer: ${String(err)}`));
  };
  // One cloud failing to start its peers leaves the others' answers, and says why in the table.
  for (const [cloud, wire] of [['aws', awsAnswers], ['azure', azureAnswers], ['gcp', gcpAnswers]] as const) {
    if (!clouds.includes(cloud)) continue;
    try {
      await wire(calls, missing, closers);
    } catch (err) {
      const reason = `peers did not start: ${(err as Error).message.split('\n')[0].slice(0, 160)}`;
      for (const name of cloud === 'azure' ? ['azure/app'] : [`${cloud}/users`, `${cloud}/orders`, `${cloud}/images`]) if (!calls[name]) missing[name] ??= reason;
    }
  }
  return { calls, missing, stop };
}
