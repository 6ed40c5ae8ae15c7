/**
 * Builds the local ports once per process over one database and one buckets folder:
 * `<dataDir>/local.sqlite` and `<dataDir>/buckets/<bucket>/`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../handlers/ports/clock';
import { randomIds, type Ids } from '../../handlers/ports/ids';
import type { Logger } from '../../handlers/ports/logger';
import { validateSettings } from '../../handlers/settings';
import type { ImagesSettings, OrdersSettings, UsersSettings } from '../../handlers/specs';
import { openDatabase, type Db } from './database';
import { localBuckets, localQueues, type LocalConfig } from './environment';
import { LocalBlobStore } from './ports/blob-store';
import { removeStaleTemporaries } from './ports/temporaries';
import { SqliteDeadLetters } from './ports/dead-letters';
import { LocalMessageBus } from './ports/message-bus';
import { LocalObjectUrls } from './ports/object-urls';
import { SqliteOrderLedger } from './ports/order-ledger';
import { SqliteUserRepository } from './ports/user-repository';
import { LocalQueue } from './queue';
import { loadSigningKey } from './signing-key';

export interface LocalPorts {
  db: Db;
  blobs: LocalBlobStore;
  users: SqliteUserRepository;
  ledger: SqliteOrderLedger;
  bus: LocalMessageBus;
  deadLetters: SqliteDeadLetters;
  /** Signed uploads and downloads to this server's `/signed/` endpoint. */
  objectUrls: LocalObjectUrls;
  /** The key `objectUrls` signs with, kept in the data directory. */
  signingKey: Buffer;
  queue(name: string): LocalQueue;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  settings: { images: ImagesSettings; users: UsersSettings; orders: OrdersSettings };
  close(): void;
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'local.sqlite');
}

/**
 * Throws SettingsError, before anything is opened, when a function setting is not usable.
 * `baseUrl` is where clients reach this server, for the URLs it signs; the default is the
 * configured port on 127.0.0.1 (what `npm start` listens on).
 */
export function wireLocal(config: Pick<LocalConfig, 'dataDir' | 'env'> & { baseUrl?: () => string; port?: number }, logger: Logger): LocalPorts {
  const settings = validateSettings(config.env);
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(databaseFile(config.dataDir));
  const queues = new Map<string, LocalQueue>();
  // one instance per name, so that every enqueue in this process wakes that queue's worker
  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = new LocalQueue(db, name)));
    return q;
  };
  queue(localQueues.payments);
  const bucketsRoot = join(config.dataDir, 'buckets');
  // writes cut short by a kill leave their temporary files; nothing else would ever remove them
  const stale = removeStaleTemporaries(bucketsRoot);
  if (stale.files > 0) logger.info('removed stale temporary files', { files: stale.files, bytes: stale.bytes });
  const signingKey = loadSigningKey(config.dataDir);
  const baseUrl = config.baseUrl ?? (() => `http://127.0.0.1:${config.port ?? 3000}`);
  return {
    db,
    blobs: new LocalBlobStore(db, bucketsRoot),
    users: new SqliteUserRepository(db),
    ledger: new SqliteOrderLedger(db),
    bus: new LocalMessageBus(db, queue),
    deadLetters: new SqliteDeadLetters(db),
    objectUrls: new LocalObjectUrls(db, signingKey, localBuckets, baseUrl),
    signingKey,
    queue,
    clock: systemClock,
    ids: randomIds,
    logger,
    settings,
    close: () => db.close(),
  };
}
