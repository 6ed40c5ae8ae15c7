/**
 * The one SQLite file under the data directory that holds everything local: object metadata,
 * users, stock, orders and their outbox, the queues, the topic and the dead letters.
 * The schema lives here and only here, as numbered migrations tracked in `user_version`,
 * so that an existing `.data/` is upgraded in place on the next start.
 */
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Applied in order; each runs once, in its own transaction. Append, never edit. Exported for the upgrade tests. */
export const migrations: readonly string[] = [
  `
  CREATE TABLE objects (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT,
    metadata TEXT NOT NULL,
    etag TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
  );
  CREATE TABLE users (
    user_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
  );
  CREATE TABLE stock (
    product_id TEXT PRIMARY KEY,
    quantity INTEGER NOT NULL CHECK (quantity >= 0)
  );
  CREATE TABLE orders (
    order_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    placed_at TEXT NOT NULL,
    short_lines TEXT
  );
  CREATE TABLE outbox (
    order_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (order_id, entry_id)
  );
  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    queue TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    enqueued_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    lease TEXT,
    last_error TEXT
  );
  CREATE INDEX messages_ready ON messages (queue, visible_at);
  CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    message_id TEXT,
    envelope TEXT NOT NULL,
    failed_at TEXT NOT NULL
  );
  CREATE TABLE topic_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    published_at TEXT NOT NULL
  );
  `,
  // issue 20: an order's content fingerprint; per outbox entry, when it became pending (its
  // order's placed_at, NULL once sent: a partial index holds pending entries only) and the
  // lease of the relay sending it
  `
  ALTER TABLE orders ADD COLUMN fingerprint TEXT;
  ALTER TABLE outbox ADD COLUMN pending_since TEXT;
  ALTER TABLE outbox ADD COLUMN claim_owner TEXT;
  ALTER TABLE outbox ADD COLUMN claim_until TEXT;
  UPDATE outbox SET pending_since = (SELECT placed_at FROM orders WHERE orders.order_id = outbox.order_id)
    WHERE sent_at IS NULL;
  CREATE INDEX outbox_pending ON outbox (pending_since, order_id, entry_id) WHERE pending_since IS NOT NULL;
  `,
];

/**
 * Opens (creating if needed) and migrates the database. WAL lets readers (the console page)
 * run while a writer commits; a short busy timeout leaves longer waits to the callers' own
 * retries (`whenNotBusy`, `retryOnConflict`), which yield to the event loop instead of blocking it.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  // At start nothing else runs yet: switching to WAL and migrating may simply wait for a lock
  // another process holds (up to 10 s), blocking being harmless here. Afterwards, see busy.ts.
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  db.pragma(`busy_timeout = ${RUNNING_BUSY_TIMEOUT_MS}`);
  return db;
}

/** SQLite's own wait once the runtime runs: short, because it blocks the event loop (busy.ts waits instead). */
export const RUNNING_BUSY_TIMEOUT_MS = 50;

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

/** SQLite's "database is locked" family: another connection holds the write lock. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
