/**
 * Builds the SDK clients and ports once per process (module scope, reused while the instance is
 * warm), each on first use so that a function builds only what it needs.
 * Locally one Azurite connection string serves blob, queue and table; in Azure every client uses
 * the app's managed identity through DefaultAzureCredential against the service URLs in the app
 * settings (no account keys there). The Event Grid topic takes an access key locally (the
 * stand-in) and Entra in Azure (the identity needs the EventGrid Data Sender role).
 */
// Types only: every SDK is required on first use (./sdk.ts says why).
import type { EventGridPublisherClient } from '@azure/eventgrid';
import type { TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import { jsonLogger, type Logger } from '../../handlers/ports/logger';
import { validateSettings } from '../../handlers/settings';
import { azureEnvironment as env } from './environment';
import { AzureBlobStore } from './ports/blob-store';
import { ContainerDeadLetters, PoisonQueueDeadLetters } from './ports/dead-letters';
import { AzureMessageBus } from './ports/message-bus';
import { AzureObjectUrls } from './ports/object-urls';
import { TableOrderLedger } from './ports/order-ledger';
import { TableUserRepository } from './ports/user-repository';
import { poisonQueueName } from './queue-encoding';
import { loadEventGrid, loadIdentity, loadStorageBlob, loadStorageQueue, loadTables } from './sdk';

export type Settings = Record<string, string | undefined>;

validateSettings(process.env); // refuse to start on a setting that can only fail later
let source: Settings = process.env;
let current: Logger = jsonLogger();
const cache = new Map<string, unknown>();

export function required(settings: Settings, name: string): string {
  const value = settings[name];
  if (!value) throw new Error(`app setting ${name} is not set`);
  return value;
}

/** One credential per process: it caches its tokens. The user-assigned identity is named by its client id. */
function identity(s: Settings): TokenCredential {
  if (!cache.has('credential')) {
    const managedIdentityClientId = s[env.storage.managedIdentityClientId];
    cache.set('credential', new (loadIdentity().DefaultAzureCredential)(managedIdentityClientId ? { managedIdentityClientId } : {}));
  }
  return cache.get('credential') as TokenCredential;
}
const local = (s: Settings) => s[env.storage.connectionString];

export function blobService(s: Settings): BlobServiceClient {
  const { BlobServiceClient } = loadStorageBlob();
  const cs = local(s);
  return cs ? BlobServiceClient.fromConnectionString(cs) : new BlobServiceClient(required(s, env.storage.blobServiceUrl), identity(s));
}

export function queueService(s: Settings): QueueServiceClient {
  const { QueueServiceClient } = loadStorageQueue();
  const cs = local(s);
  return cs ? QueueServiceClient.fromConnectionString(cs) : new QueueServiceClient(required(s, env.storage.queueServiceUrl), identity(s));
}

export function tableClient(s: Settings, table: string): TableClient {
  const { TableClient } = loadTables();
  const cs = local(s);
  // Azurite serves plain http; the SDK refuses to send a shared key over it unless told.
  return cs
    ? TableClient.fromConnectionString(cs, table, { allowInsecureConnection: true })
    : new TableClient(required(s, env.storage.tableServiceUrl), table, identity(s));
}

export function eventsPublisher(s: Settings): EventGridPublisherClient<'EventGrid'> {
  const { AzureKeyCredential, EventGridPublisherClient } = loadEventGrid();
  const endpoint = required(s, env.orders.eventsTopicEndpoint);
  const key = s[env.orders.eventsTopicKey];
  if (!key) return new EventGridPublisherClient(endpoint, 'EventGrid', identity(s));
  // A key is for local use: the stand-in topic listens on plain http.
  const allowInsecureConnection = endpoint.startsWith('http://');
  return new EventGridPublisherClient(endpoint, 'EventGrid', new AzureKeyCredential(key), { allowInsecureConnection });
}

export function buildImagesPorts(s: Settings) {
  const blobs = blobService(s);
  return {
    blobs: new AzureBlobStore(blobs),
    deadLetters: new ContainerDeadLetters(blobs.getContainerClient(required(s, env.images.deadLetterContainer))),
    originalsContainer: required(s, env.images.originalsContainer),
    compressedContainer: required(s, env.images.compressedContainer),
  };
}

export function buildUsersPorts(s: Settings) {
  // One app hosts the three functions: the users function signs for the images function's containers.
  const containers = { originals: required(s, env.images.originalsContainer), compressed: required(s, env.images.compressedContainer) };
  return {
    users: new TableUserRepository(tableClient(s, required(s, env.users.usersTable))),
    objectUrls: new AzureObjectUrls(() => blobService(s), containers),
  };
}

export function buildOrdersPorts(s: Settings) {
  const queues = queueService(s);
  const ordersQueue = required(s, env.orders.ordersQueue);
  // Read now, so that a missing setting fails the first invocation, not the first oversize letter.
  const deadLetterContainer = required(s, env.orders.deadLetterContainer);
  let overflow: ContainerDeadLetters | undefined;
  return {
    ledger: new TableOrderLedger(tableClient(s, required(s, env.orders.ledgerTable))),
    bus: new AzureMessageBus(queues, {
      queues: { payments: required(s, env.orders.paymentsQueue) },
      topics: { events: eventsPublisher(s) },
    }),
    deadLetters: new PoisonQueueDeadLetters(
      queues.getQueueClient(poisonQueueName(ordersQueue)),
      () => (overflow ??= new ContainerDeadLetters(blobService(s).getContainerClient(deadLetterContainer))),
    ),
  };
}


/** The app settings the functions read: the environment, unless a test or runner replaced it. */
export function currentSettings(): Settings {
  return source;
}

/** Replaces the settings and drops every client built from the old ones (tests, local runs). */
export function useSettings(settings: Settings, log: Logger = current): void {
  source = settings;
  current = log;
  cache.clear();
}

/** One value per process, built on first use. */
function once<T>(key: string, build: (s: Settings) => T): () => T {
  return () => {
    if (!cache.has(key)) cache.set(key, build(source));
    return cache.get(key) as T;
  };
}

/** The logger every invocation's lines derive from (one JSON line per event). */
export const logger = (): Logger => current;

// Pure: a function's bundle (scripts/package/azure.ts) keeps only the ports it reaches, and so
// only the SDKs those ports load; without the mark esbuild keeps every call, and every SDK.
export const imagesPorts = /* @__PURE__ */ once('images', buildImagesPorts);
export const usersPorts = /* @__PURE__ */ once('users', buildUsersPorts);
export const ordersPorts = /* @__PURE__ */ once('orders', buildOrdersPorts);
