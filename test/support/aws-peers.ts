/**
 * The real local peers the AWS adapter tests talk to, each started once per test run on
 * 127.0.0.1 and stopped by a root `after` hook: DynamoDB Local (Java), fauxqs (SQS, SNS) and
 * s3rver (S3 with object-created events). See ../../../shared/notes/offline-testing.md.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ordersTableDefinition, usersTableDefinition } from '../../adapters/aws/tables';
import { documentClient } from '../../adapters/aws/wiring';
import { dynamoDbLocalDir, javaAvailable } from './aws-dynamodb-local';
import { freePort, peerUnavailable, startProcess, type RunningProcess } from './processes';
import { conditionalWrites, type ConditionalWriteLog } from './s3-conditional-writes';

const region = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface DynamoPeer {
  endpoint: string;
  client: DynamoDBClient;
  doc: ReturnType<typeof documentClient>;
  /** Creates a users table and an orders table with fresh names, as infra/aws would. */
  createTables(): Promise<{ usersTable: string; ordersTable: string }>;
}

export interface MessagingPeer {
  endpoint: string;
  sqs: SQSClient;
  sns: SNSClient;
}

export interface S3Peer {
  endpoint: string;
  s3: S3Client;
  /** Every event record s3rver emitted so far, in order. */
  events: { Records: unknown[] }[];
  createBucket(name: string): Promise<void>;
}

const stops: (() => Promise<void>)[] = [];
let dynamo: Promise<DynamoPeer | string> | undefined;
let messaging: Promise<MessagingPeer> | undefined;
let s3: Promise<S3Peer> | undefined;

/** DynamoDB Local, or the reason it cannot run here (for `this.skip()`). */
export function dynamoPeer(): Promise<DynamoPeer | string> {
  return (dynamo ??= startDynamo());
}

async function startDynamo(): Promise<DynamoPeer | string> {
  if (!javaAvailable()) return peerUnavailable('java is not installed: DynamoDB Local needs it');
  let dir: string;
  try {
    dir = dynamoDbLocalDir();
  } catch (err) {
    return peerUnavailable(`DynamoDB Local could not be fetched with npm pack: ${(err as Error).message}`);
  }
  const port = await freePort();
  // DynamoDB Local has no option for its listen address: it takes every interface.
  const proc: RunningProcess = await startProcess(
    'java',
    [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-disableTelemetry', '-port', String(port)],
    port,
    { cwd: dir },
  );
  stops.push(() => proc.stop());
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ region, endpoint, credentials });
  return {
    endpoint,
    client,
    doc: documentClient(client),
    async createTables() {
      const suffix = randomUUID().slice(0, 8);
      const usersTable = `users-${suffix}`;
      const ordersTable = `orders-${suffix}`;
      await client.send(new CreateTableCommand({ TableName: usersTable, ...structuredClone(usersTableDefinition) } as never));
      await client.send(new CreateTableCommand({ TableName: ordersTable, ...structuredClone(ordersTableDefinition) } as never));
      return { usersTable, ordersTable };
    },
  };
}

/** fauxqs (SQS and SNS) in this process, listening on 127.0.0.1 only. */
export function messagingPeer(): Promise<MessagingPeer> {
  return (messaging ??= (async () => {
    const { buildApp } = await import('fauxqs');
    const app = buildApp({ logger: false, host: '127.0.0.1' });
    const port = await freePort();
    await app.listen({ port, host: '127.0.0.1' });
    stops.push(() => app.close());
    const endpoint = `http://127.0.0.1:${port}`;
    return {
      endpoint,
      sqs: new SQSClient({ region, endpoint, credentials }),
      sns: new SNSClient({ region, endpoint, credentials }),
    };
  })());
}

/** What the conditional-write gate in front of s3rver judged (tests check the headers went over the wire). */
export const conditionalWriteLog: ConditionalWriteLog = { judged: [] };

/** s3rver in this process, on 127.0.0.1, in a scratch folder removed at the end. */
export function s3Peer(): Promise<S3Peer> {
  return (s3 ??= (async () => {
    const { default: S3rver } = await import('s3rver');
    const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
    const port = await freePort();
    const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory });
    const events: { Records: unknown[] }[] = [];
    server.on('event', (event: { Records: unknown[] }) => events.push(event));
    // first in the chain: s3rver itself ignores S3's conditional-write headers
    (server as unknown as { middleware: unknown[] }).middleware.unshift(conditionalWrites((server as unknown as { store: Parameters<typeof conditionalWrites>[0] }).store, conditionalWriteLog));
    await server.run();
    stops.push(async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new S3Client({
      region,
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      // Without this the SDK streams uploads with checksum chunk framing that s3rver stores as is.
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
    return {
      endpoint,
      s3: client,
      events,
      createBucket: async (name: string) => {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      },
    };
  })());
}

// One root hook stops whatever was started, whichever test files ran.
if (typeof after === 'function') {
  after(async function () {
    this.timeout(30_000);
    for (const stop of stops.splice(0).reverse()) await stop();
  });
}
