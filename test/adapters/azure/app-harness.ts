/**
 * What the Functions host and infra/azure provide around the functions, on Azurite: the
 * containers, tables and queues with their app settings, and a queue receiver that hands a
 * message over the way the host's queue trigger does (decoded in the pinned encoding, JSON
 * parsed, with `dequeueCount` and the other trigger metadata from the real queue).
 */
import { InvocationContext } from '@azure/functions';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { randomUUID } from 'node:crypto';
import { azureEnvironment as env } from '../../../adapters/azure/environment';
import { decodeQueueMessage, poisonQueueName } from '../../../adapters/azure/queue-encoding';
import { useSettings, type Settings } from '../../../adapters/azure/wiring';
import type { DeadLetter } from '../../../handlers/ports/dead-letters';
import { silentLogger } from '../../../handlers/ports/logger';
import { startAzurite, startEventGridStandIn, type Azurite, type EventGridStandIn } from '../../support/azure-peers';

export interface AzureApp {
  settings: Settings;
  blobs: BlobServiceClient;
  queues: QueueServiceClient;
  names: { originals: string; compressed: string; deadLetters: string; ordersDeadLetters: string; users: string; ledger: string; orders: string; payments: string };
}

export async function provisionApp(connectionString: string, grid: EventGridStandIn): Promise<AzureApp> {
  const s = randomUUID().slice(0, 8);
  const names = {
    originals: `originals-${s}`,
    compressed: `compressed-${s}`,
    deadLetters: `dead-letters-${s}`,
    ordersDeadLetters: `orders-dead-letters-${s}`,
    users: `users${s}`,
    ledger: `orders${s}`,
    orders: `orders-${s}`,
    payments: `payments-${s}`,
  };
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  for (const c of [names.originals, names.compressed, names.deadLetters, names.ordersDeadLetters]) await blobs.getContainerClient(c).createIfNotExists();
  for (const q of [names.orders, poisonQueueName(names.orders), names.payments]) await queues.getQueueClient(q).createIfNotExists();
  for (const t of [names.users, names.ledger]) await TableClient.fromConnectionString(connectionString, t, { allowInsecureConnection: true }).createTable();
  const settings: Settings = {
    [env.storage.connectionString]: connectionString,
    [env.images.originalsContainer]: names.originals,
    [env.images.compressedContainer]: names.compressed,
    [env.images.deadLetterContainer]: names.deadLetters,
    [env.users.usersTable]: names.users,
    [env.orders.ordersQueue]: names.orders,
    [env.orders.ledgerTable]: names.ledger,
    [env.orders.paymentsQueue]: names.payments,
    [env.orders.eventsTopicEndpoint]: grid.endpoint,
    [env.orders.eventsTopicKey]: grid.key,
    [env.orders.deadLetterContainer]: names.ordersDeadLetters,
  };
  useSettings(settings, silentLogger);
  return { settings, blobs, queues, names };
}

/** What `useAzureApp` gives a suite: the provisioned app and the Event Grid stand-in it publishes to. */
export interface AzureAppPeers {
  app: AzureApp;
  grid: EventGridStandIn;
}

/**
 * Azurite, the Event Grid stand-in and a freshly provisioned app for the calling suite, in a
 * `before` hook that skips the suite with the reason where Azurite is not installed, stopped in its
 * `after`. Call it before the suite's own hooks, which may then use the getter.
 */
export function useAzureApp(): () => AzureAppPeers {
  let azurite: Azurite | undefined;
  let peers: AzureAppPeers | undefined;
  before(async function () {
    azurite = await startAzurite();
    if (!azurite) {
      console.warn('      skipped: Azurite is not installed (npm ci installs azurite@3.35.0)');
      this.skip();
    }
    const grid = await startEventGridStandIn();
    peers = { grid, app: await provisionApp(azurite.connectionString, grid) };
  });
  after(async () => {
    await peers?.grid.stop();
    await azurite?.stop();
  });
  return () => peers!;
}

export function context(functionName: string, triggerMetadata?: Record<string, unknown>): InvocationContext {
  return new InvocationContext({ invocationId: randomUUID(), functionName, triggerMetadata, logHandler: () => {} });
}

export interface Delivery {
  item: unknown;
  context: InvocationContext;
  messageId: string;
  popReceipt: string;
}

/**
 * How the trigger hands the message over: `binary` as adapters/azure/orders.ts registers it
 * (`dataType: 'binary'`: a Buffer of the decoded text), `parsed` as the library does by default
 * (the text JSON-parsed when it parses).
 */
export type TriggerDataType = 'binary' | 'parsed';

function parsedLikeTheLibrary(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // the library hands non-JSON text over as a string
  }
}

/** Takes the next visible message as the queue trigger would; undefined when none is visible. */
export async function receiveLikeTheHost(queue: QueueClient, visibilityTimeoutSeconds = 1, dataType: TriggerDataType = 'binary'): Promise<Delivery | undefined> {
  const { receivedMessageItems: [m] } = await queue.receiveMessages({ numberOfMessages: 1, visibilityTimeout: visibilityTimeoutSeconds });
  if (!m) return undefined;
  const text = decodeQueueMessage(m.messageText);
  const item: unknown = dataType === 'binary' ? Buffer.from(text, 'utf8') : parsedLikeTheLibrary(text);
  const metadata = {
    // Trigger metadata is parsed whatever the binding's dataType.
    queueTrigger: parsedLikeTheLibrary(text),
    dequeueCount: m.dequeueCount,
    expirationTime: m.expiresOn.toISOString(),
    id: m.messageId,
    insertionTime: m.insertedOn.toISOString(),
    nextVisibleTime: m.nextVisibleOn.toISOString(),
    popReceipt: m.popReceipt,
  };
  return { item, context: context('orders', metadata), messageId: m.messageId, popReceipt: m.popReceipt };
}

/** Every message on a queue, decoded and parsed, without taking them. */
export async function peekAll(queue: QueueClient): Promise<unknown[]> {
  const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
  return peekedMessageItems.map((m) => JSON.parse(decodeQueueMessage(m.messageText)));
}


/** Takes every dead letter off a poison queue (the adapter writes them there, in the pinned encoding). */
export async function takePoisonLetters(poison: QueueClient): Promise<DeadLetter[]> {
  if (!(await poison.exists())) return [];
  const letters: DeadLetter[] = [];
  for (;;) {
    const { receivedMessageItems } = await poison.receiveMessages({ numberOfMessages: 32 });
    if (receivedMessageItems.length === 0) return letters;
    for (const m of receivedMessageItems) {
      letters.push(JSON.parse(decodeQueueMessage(m.messageText)) as DeadLetter);
      await poison.deleteMessage(m.messageId, m.popReceipt);
    }
  }
}
/**
 * The whole dead letter a poison-queue pointer names (`message_blob: "<container>/<blob>"`, see
 * adapters/azure/ports/dead-letters.ts), read from `container`; throws if it names another one.
 */
export async function letterPointedTo(container: ContainerClient, messageBlob: string): Promise<DeadLetter> {
  const prefix = `${container.containerName}/`;
  if (!messageBlob.startsWith(prefix)) throw new Error(`${messageBlob} is not in the container ${container.containerName}`);
  const blob = container.getBlockBlobClient(messageBlob.slice(prefix.length));
  return JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as DeadLetter;
}
