/**
 * The four stores every reliability scenario runs on, each opened on fresh tables or
 * collections of its own: the local SQLite file, DynamoDB Local, Azurite's tables and the
 * Firestore emulator. The emulators are the ones the adapter tests already share (one of each
 * per run, see aws-peers.ts, azure-peers.ts, gcp-peers.ts); none is started twice.
 */
import { TableClient } from '@azure/data-tables';
import { Firestore } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoOrderLedger } from '../../adapters/aws/ports/order-ledger';
import { DynamoUserRepository } from '../../adapters/aws/ports/user-repository';
import { TableOrderLedger } from '../../adapters/azure/ports/order-ledger';
import { TableUserRepository } from '../../adapters/azure/ports/user-repository';
import { FirestoreOrderLedger } from '../../adapters/gcp/ports/order-ledger';
import { FirestoreUserRepository } from '../../adapters/gcp/ports/user-repository';
import { wireLocal } from '../../adapters/local/wiring';
import type { Inventory } from '../../handlers/ports/inventory';
import { silentLogger } from '../../handlers/ports/logger';
import type { OrderLedger } from '../../handlers/ports/order-ledger';
import type { UserRepository } from '../../handlers/ports/user-repository';
import { dynamoPeer } from './aws-peers';
import { startAzurite } from './azure-peers';
import { beforeGcpPeersStop, gcpPeers, gcpPeersMissing } from './gcp-peers';
import { scale } from './reliability-scale';

export interface OpenStore {
  ledger: OrderLedger & Inventory;
  users: UserRepository;
  close(): Promise<void>;
}

export interface StoreUnderTest {
  name: string;
  /** Orders per duplicate run on this store (the emulators run fewer in CI). */
  duplicateOrders: number;
  /** A store on fresh tables, or the reason it cannot run here (the suite skips with it). */
  open(): Promise<OpenStore | string>;
}

const localStore: StoreUnderTest = {
  name: 'local SQLite',
  duplicateOrders: scale.duplicateOrdersLocal,
  async open() {
    const dataDir = mkdtempSync(join(tmpdir(), 'reliability-local-'));
    const ports = wireLocal({ dataDir, env: {} }, silentLogger);
    return {
      ledger: ports.ledger,
      users: ports.users,
      close: async () => {
        ports.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const dynamoStore: StoreUnderTest = {
  name: 'DynamoDB Local',
  duplicateOrders: scale.duplicateOrdersEmulator,
  async open() {
    const peer = await dynamoPeer();
    if (typeof peer === 'string') return peer;
    const { usersTable, ordersTable } = await peer.createTables();
    return {
      ledger: new DynamoOrderLedger(peer.doc, ordersTable),
      users: new DynamoUserRepository(peer.doc, usersTable),
      close: async () => {},
    };
  },
};

const azureStore: StoreUnderTest = {
  name: 'Azurite tables',
  duplicateOrders: scale.duplicateOrdersEmulator,
  async open() {
    const azurite = await startAzurite();
    if (!azurite) return 'Azurite is not installed (npm ci installs azurite@3.35.0)';
    const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
    const table = async (name: string) => {
      const client = TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
      await client.createTable();
      return client;
    };
    return {
      ledger: new TableOrderLedger(await table(`relledger${suffix}`)),
      users: new TableUserRepository(await table(`relusers${suffix}`)),
      close: () => azurite.stop(),
    };
  },
};

let firestore: Firestore | undefined;

const firestoreStore: StoreUnderTest = {
  name: 'Firestore emulator',
  duplicateOrders: scale.duplicateOrdersEmulator,
  async open() {
    const missing = gcpPeersMissing();
    if (missing) return missing;
    const { projectId } = await gcpPeers();
    if (!firestore) {
      const client = (firestore = new Firestore({ projectId, ignoreUndefinedProperties: true }));
      beforeGcpPeersStop(() => client.terminate());
    }
    const run = randomUUID().slice(0, 8);
    return {
      ledger: new FirestoreOrderLedger(firestore, { orders: `rel-orders-${run}`, stock: `rel-stock-${run}` }),
      users: new FirestoreUserRepository(firestore, { users: `rel-users-${run}`, emails: `rel-emails-${run}` }),
      close: async () => {},
    };
  },
};

export const storesUnderTest: readonly StoreUnderTest[] = [localStore, dynamoStore, azureStore, firestoreStore];

/**
 * Opens `store` in a `before` hook of the calling suite, skipping the suite with the reason
 * when its emulator is missing, and closes it afterwards.
 */
export function useStore(store: StoreUnderTest): () => OpenStore {
  let opened: OpenStore | undefined;
  before(async function () {
    this.timeout(120_000);
    const result = await store.open();
    if (typeof result === 'string') {
      console.warn(`      skipped on ${store.name}: ${result}`);
      this.skip();
    }
    opened = result as OpenStore;
  });
  after(async () => {
    await opened?.close();
  });
  return () => {
    if (!opened) throw new Error(`${store.name} was not opened`);
    return opened;
  };
}
