/**
 * The emulators the orders benchmark places orders on, each started on 127.0.0.1 (DynamoDB Local
 * takes every interface: it has no listen-address option), on a free port, and stopped by its
 * own pid when the benchmark is done. Each returns why it cannot run instead of throwing, so a
 * machine without Java or the emulator still gets its local figures.
 *
 * test/support/gcp-peers.ts registers a mocha hook when imported, so it is not reused here.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TableClient } from '@azure/data-tables';
import { Firestore } from '@google-cloud/firestore';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ordersTableDefinition } from '../adapters/aws/tables';
import { documentClient } from '../adapters/aws/wiring';
import { DynamoOrderLedger } from '../adapters/aws/ports/order-ledger';
import { TableOrderLedger } from '../adapters/azure/ports/order-ledger';
import { FirestoreOrderLedger } from '../adapters/gcp/ports/order-ledger';
import type { Inventory } from '../handlers/ports/inventory';
import type { OrderLedger } from '../handlers/ports/order-ledger';
import { dynamoDbLocalDir, javaAvailable } from '../test/support/aws-dynamodb-local';
import { startAzurite } from '../test/support/azure-peers';
import { freePort, startProcess } from '../test/support/processes';

export interface EmulatedLedger {
  name: string;
  /** A fresh, empty ledger (new table or collections) for each run. */
  fresh(): Promise<OrderLedger & Inventory>;
  stop(): Promise<void>;
}

const FIRESTORE_JAR = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';
let tables = 0;

export async function dynamoDbLocal(): Promise<EmulatedLedger | string> {
  if (!javaAvailable()) return 'java is not installed';
  const dir = dynamoDbLocalDir();
  const port = await freePort();
  const proc = await startProcess('java', [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-disableTelemetry', '-port', String(port)], port, { cwd: dir });
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const doc = documentClient(client);
  return {
    name: 'DynamoDB Local (AWS)',
    async fresh() {
      const table = `orders-bench-${++tables}`;
      await client.send(new CreateTableCommand({ TableName: table, ...structuredClone(ordersTableDefinition) } as never));
      return new DynamoOrderLedger(doc, table);
    },
    async stop() {
      client.destroy();
      await proc.stop();
    },
  };
}

export async function azurite(): Promise<EmulatedLedger | string> {
  const peer = await startAzurite();
  if (!peer) return 'azurite is not installed';
  return {
    name: 'Azurite Table storage (Azure)',
    async fresh() {
      const table = TableClient.fromConnectionString(peer.connectionString, `ordersbench${++tables}`, { allowInsecureConnection: true });
      await table.createTable();
      return new TableOrderLedger(table);
    },
    stop: () => peer.stop(),
  };
}

export async function firestoreEmulator(): Promise<EmulatedLedger | string> {
  if (!existsSync(FIRESTORE_JAR)) return `${FIRESTORE_JAR} is missing (apt-get install google-cloud-cli-firestore-emulator)`;
  if (!javaAvailable()) return 'java is not installed';
  const port = await freePort();
  const proc = await startProcess('java', ['-Xms64m', '-Xmx512m', '-cp', FIRESTORE_JAR, 'com.google.cloud.datastore.emulator.firestore.CloudFirestore', 'start', '--host=127.0.0.1', `--port=${port}`], port);
  const db = new Firestore({ projectId: 'multicloud-functions-bench', host: `127.0.0.1:${port}`, ssl: false, ignoreUndefinedProperties: true, credentials: { client_email: 'bench@example.com', private_key: 'none' } });
  return {
    name: 'Firestore emulator (Google Cloud)',
    async fresh() {
      const n = ++tables;
      return new FirestoreOrderLedger(db, { orders: `orders-bench-${n}`, stock: `stock-bench-${n}` });
    },
    async stop() {
      await db.terminate();
      await proc.stop();
    },
  };
}
