/**
 * Builds the SDK clients and ports once per process (module scope, reused while the instance is
 * warm), from the variables in `environment.ts`. Nothing is built at import time: the first
 * invocation builds, so a missing variable fails that invocation with its name, and tests can
 * set the emulator variables before the first call.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import type { DeadLetterSink } from '../../handlers/ports/dead-letters';
import type { Logger } from '../../handlers/ports/logger';
import { systemClock } from '../../handlers/ports/clock';
import { randomIds } from '../../handlers/ports/ids';
import { readSettings, validateSettings } from '../../handlers/settings';
import { imagesSpec, ordersSpec, usersSpec, type OrdersSettings } from '../../handlers/specs';
import type { ImagesConfig, ImagesDeps } from '../../handlers/images';
import type { OrdersDeps } from '../../handlers/orders';
import { createUsersApi, type UsersApi } from '../../handlers/users';
import { gcpEmulatorEnvironment as emulators, gcpEnvironment as names, required } from './environment';
import { firestoreSettings } from './client-settings';
import { cloudLoggingLogger } from './logger';
import { loadFirestore, loadPubSub, loadStorage } from './sdk';
import { GcsBlobStore } from './ports/blob-store';
import { PubSubDeadLetters } from './ports/dead-letters';
import { PubSubMessageBus } from './ports/message-bus';
import { GcsObjectUrls } from './ports/object-urls';
import { FirestoreOrderLedger } from './ports/order-ledger';
import { FirestoreUserRepository } from './ports/user-repository';

type Env = Record<string, string | undefined>;

export interface ImagesRuntime {
  deps: ImagesDeps;
  config: ImagesConfig;
  deadLetters: DeadLetterSink;
}

export interface UsersRuntime {
  api: UsersApi;
  logger: Logger;
}

export interface OrdersRuntime {
  deps: OrdersDeps;
  settings: OrdersSettings;
  deadLetters: DeadLetterSink;
}

/**
 * Clients by what configures them (project, database, emulator host): one per process in
 * production, where these never change; a test that builds with other values gets its own.
 */
validateSettings(process.env); // refuse to start on a setting that can only fail later
const clients = new Map<string, Firestore | PubSub | Storage>();

function client<T extends Firestore | PubSub | Storage>(kind: string, key: unknown[], make: () => T): T {
  const id = JSON.stringify([kind, ...key]);
  let made = clients.get(id) as T | undefined;
  if (!made) {
    made = make();
    clients.set(id, made);
  }
  return made;
}

// Each SDK is required on first use (./sdk.ts): a function loads only the clients it uses.
export function firestoreClient(env: Env = process.env): Firestore {
  const projectId = required(env, names.common.projectId);
  const databaseId = env[names.common.firestoreDatabase] || '(default)';
  return client('firestore', [projectId, databaseId, process.env[emulators.firestore]], () =>
    new (loadFirestore().Firestore)(firestoreSettings(projectId, databaseId)),
  );
}

export function pubsubClient(env: Env = process.env): PubSub {
  const projectId = required(env, names.common.projectId);
  return client('pubsub', [projectId, process.env[emulators.pubsub]], () => new (loadPubSub().PubSub)({ projectId }));
}

export function storageClient(env: Env = process.env): Storage {
  const projectId = required(env, names.common.projectId);
  return client('storage', [projectId, process.env[emulators.storage]], () => new (loadStorage().Storage)({ projectId }));
}

let images: ImagesRuntime | undefined;
let users: UsersRuntime | undefined;
let orders: OrdersRuntime | undefined;

/** The images runtime of this process, built on first use from process.env. */
export function imagesRuntime(): ImagesRuntime {
  images ??= buildImagesRuntime(process.env);
  return images;
}

export function usersRuntime(): UsersRuntime {
  users ??= buildUsersRuntime(process.env);
  return users;
}

export function ordersRuntime(): OrdersRuntime {
  orders ??= buildOrdersRuntime(process.env);
  return orders;
}

/** Builds from `env`; throws, naming the variable, when one is missing or wrong. */
export function buildImagesRuntime(env: Env): ImagesRuntime {
  const config: ImagesConfig = {
    ...readSettings(imagesSpec, env),
    compressedBucket: required(env, names.images.compressedBucket),
  };
  if (config.compressedBucket === env[names.images.originalsBucket]) {
    // Writing into the bucket that triggers the function would fire it again, forever.
    throw new Error(`${names.images.compressedBucket} must differ from ${names.images.originalsBucket}`);
  }
  const logger = cloudLoggingLogger().child({ function: 'images' });
  const deadLetterTopic = required(env, names.images.deadLetterTopic);
  return {
    deps: { blobs: new GcsBlobStore(storageClient(env)), clock: systemClock, logger },
    config,
    deadLetters: new PubSubDeadLetters(pubsubClient(env), deadLetterTopic),
  };
}

export function buildUsersRuntime(env: Env): UsersRuntime {
  const logger = cloudLoggingLogger().child({ function: 'users' });
  const buckets = { originals: required(env, names.users.originalsBucket), compressed: required(env, names.users.compressedBucket) };
  const deps = {
    users: new FirestoreUserRepository(firestoreClient(env)),
    objectUrls: new GcsObjectUrls(() => storageClient(env), buckets),
    clock: systemClock,
    ids: randomIds,
    logger,
  };
  return { api: createUsersApi(deps, readSettings(usersSpec, env)), logger };
}

export function buildOrdersRuntime(env: Env): OrdersRuntime {
  const logger = cloudLoggingLogger().child({ function: 'orders' });
  const bus = new PubSubMessageBus(pubsubClient(env), {
    payments: required(env, names.orders.paymentsTopic),
    events: required(env, names.orders.eventsTopic),
  });
  const deadLetterTopic = required(env, names.orders.deadLetterTopic);
  return {
    deps: { ledger: new FirestoreOrderLedger(firestoreClient(env)), bus, clock: systemClock, logger },
    settings: readSettings(ordersSpec, env),
    deadLetters: new PubSubDeadLetters(pubsubClient(env), deadLetterTopic),
  };
}
