/**
 * The emulators the orders benchmark places orders on: test/support's own peers, reused through
 * ./peers.ts (DynamoDB Local from aws-peers, Azurite from azure-peers, the Firestore emulator from
 * gcp-peers), each on 127.0.0.1 and a free port (DynamoDB Local takes every interface: it has no
 * listen-address option), stopped when the benchmark is done with it. Each returns why it cannot
 * run instead of throwing, so a machine without Java or the emulator still gets its local figures.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { TableClient } from '@azure/data-tables';
import { Firestore } from '@google-cloud/firestore';
import { ordersTableDefinition } from '../adapters/aws/tables';
import { DynamoOrderLedger } from '../adapters/aws/ports/order-ledger';
import { TableOrderLedger } from '../adapters/azure/ports/order-ledger';
import { FirestoreOrderLedger } from '../adapters/gcp/ports/order-ledger';
import type { Inventory } from '../handlers/ports/inventory';
import type { OrderLedger } from '../handlers/ports/order-ledger';
import { startAzurite } from '../test/support/azure-peers';
import { awsPeers, gcpPeers, stopPeers } from './peers';

export interface EmulatedLedger {
  name: string;
  /** A fresh, empty ledger (new table or collections) for each run. */
  fresh(): Promise<OrderLedger & Inventory>;
  stop(): Promise<void>;
}

let tables = 0;

export async function dynamoDbLocal(): Promise<EmulatedLedger | string> {
  const peer = await awsPeers().dynamoPeer();
  if (typeof peer === 'string') {
    await stopPeers();
    return peer;
  }
  return {
    name: 'DynamoDB Local (AWS)',
    async fresh() {
      const table = `orders-bench-${++tables}`;
      await peer.client.send(new CreateTableCommand({ TableName: table, ...structuredClone(ordersTableDefinition) } as never));
      return new DynamoOrderLedger(peer.doc, table);
    },
    stop: stopPeers,
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
  const support = gcpPeers();
  const missing = support.gcpPeersMissing();
  if (missing) return missing;
  // Starts the Pub/Sub emulator too (gcp-peers starts both); only Firestore is used here.
  const { projectId } = await support.gcpPeers();
  // FIRESTORE_EMULATOR_HOST, set by gcp-peers, points the client at the emulator.
  const db = new Firestore({ projectId, ignoreUndefinedProperties: true });
  return {
    name: 'Firestore emulator (Google Cloud)',
    async fresh() {
      const n = ++tables;
      return new FirestoreOrderLedger(db, { orders: `orders-bench-${n}`, stock: `stock-bench-${n}` });
    },
    async stop() {
      await db.terminate();
      await stopPeers();
    },
  };
}
