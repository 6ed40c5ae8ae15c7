/**
 * Orders, stock and the outbox in one SQLite file, so that placing an order is one
 * transaction: BEGIN IMMEDIATE takes the write lock before the stock is read, so no other
 * writer can change it between the check and the decrement. Another process holding the lock
 * (SQLITE_BUSY) is a write conflict: retried by `retryOnConflict`, never reported as short.
 */
import type { Inventory } from '../../../handlers/ports/inventory';
import type {
  EntryClaim,
  Order,
  OrderLedger,
  OrderRecord,
  OrderStatus,
  OutboxEntry,
  PendingOutboxPage,
  PendingOutboxQuery,
  PlaceOrderRequest,
  PlaceOrderResult,
  ShortLine,
} from '../../../handlers/ports/order-ledger';
import { defaultConflictRetry, retryOnConflict, type RetryOptions } from '../../../handlers/retry';
import { whenNotBusy } from '../busy';
import { isBusy, type Db } from '../database';

interface OrderRow {
  order_id: string;
  body: string;
  status: OrderStatus;
  placed_at: string;
  short_lines: string | null;
  fingerprint: string | null;
}

interface OutboxRow {
  entry_id: string;
  channel: OutboxEntry['channel'];
  body: string;
  attributes: string;
}

export class SqliteOrderLedger implements OrderLedger, Inventory {
  constructor(
    private readonly db: Db,
    private readonly retry: RetryOptions = defaultConflictRetry,
  ) {}

  async placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const place = this.db.transaction((req: PlaceOrderRequest) => this.placeInTransaction(req));
    return retryOnConflict(async () => place.immediate(request), isBusy, this.retry);
  }

  private placeInTransaction({ order, at, outboxIfPlaced, outboxIfCancelled, fingerprint }: PlaceOrderRequest): PlaceOrderResult {
    const existing = this.db
      .prepare<[string], { status: OrderStatus; fingerprint: string | null }>('SELECT status, fingerprint FROM orders WHERE order_id = ?')
      .get(order.order_id);
    if (existing) return duplicate(existing);
    const readStock = this.db.prepare<[string], { quantity: number }>('SELECT quantity FROM stock WHERE product_id = ?');
    const short: ShortLine[] = [];
    for (const line of order.items) {
      const available = readStock.get(line.product_id)?.quantity ?? 0;
      if (available < line.quantity) short.push({ product_id: line.product_id, requested: line.quantity, available });
    }
    if (short.length > 0) {
      this.insertOrder(order, 'CANCELLED_INSUFFICIENT_INVENTORY', at, short, outboxIfCancelled, fingerprint);
      return { outcome: 'insufficient', short };
    }
    const take = this.db.prepare('UPDATE stock SET quantity = quantity - ? WHERE product_id = ?');
    for (const line of order.items) take.run(line.quantity, line.product_id);
    this.insertOrder(order, 'PLACED', at, undefined, outboxIfPlaced, fingerprint);
    return { outcome: 'placed' };
  }

  private insertOrder(
    order: Order,
    status: OrderStatus,
    at: string,
    short: ShortLine[] | undefined,
    outbox: OutboxEntry[],
    fingerprint: string,
  ): void {
    this.db
      .prepare('INSERT INTO orders (order_id, body, status, placed_at, short_lines, fingerprint) VALUES (?, ?, ?, ?, ?, ?)')
      .run(order.order_id, JSON.stringify(order), status, at, short ? JSON.stringify(short) : null, fingerprint);
    const insert = this.db.prepare(
      'INSERT INTO outbox (order_id, entry_id, seq, channel, body, attributes, pending_since) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    outbox.forEach((e, seq) =>
      insert.run(order.order_id, e.entry_id, seq, e.channel, JSON.stringify(e.body), JSON.stringify(e.attributes), at),
    );
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const row = await whenNotBusy(() => this.db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE order_id = ?').get(orderId));
    return row && toRecord(row);
  }

  /** The newest orders first, for the console. */
  recentOrders(limit = 100): OrderRecord[] {
    return this.db
      .prepare<[number], OrderRow>('SELECT * FROM orders ORDER BY placed_at DESC, rowid DESC LIMIT ?')
      .all(limit)
      .map(toRecord);
  }

  async pendingOutbox(orderId: string): Promise<OutboxEntry[]> {
    const rows = await whenNotBusy(() =>
      this.db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE order_id = ? AND sent_at IS NULL ORDER BY seq').all(orderId),
    );
    return rows.map((r) => ({
        entry_id: r.entry_id,
        channel: r.channel,
        body: JSON.parse(r.body) as Record<string, unknown>,
        attributes: JSON.parse(r.attributes) as Record<string, string>,
      }));
  }

  async markSent(orderId: string, entryId: string): Promise<void> {
    const mark = this.db.prepare(
      `UPDATE outbox SET sent_at = ?, pending_since = NULL, claim_owner = NULL, claim_until = NULL
       WHERE order_id = ? AND entry_id = ? AND sent_at IS NULL`,
    );
    await retryOnConflict(async () => mark.run(new Date().toISOString(), orderId, entryId), isBusy, this.retry);
  }

  /** One conditional UPDATE: SQLite runs it under the write lock, so of two claims one changes the row. */
  async claimEntry(orderId: string, entryId: string, claim: EntryClaim): Promise<boolean> {
    const take = this.db.prepare(
      `UPDATE outbox SET claim_owner = ?, claim_until = ?
       WHERE order_id = ? AND entry_id = ? AND sent_at IS NULL
         AND (claim_owner IS NULL OR claim_owner = ? OR claim_until <= ?)`,
    );
    const changed = await retryOnConflict(
      async () => take.run(claim.owner, claim.until, orderId, entryId, claim.owner, claim.at).changes,
      isBusy,
      this.retry,
    );
    return changed === 1;
  }

  async releaseEntry(orderId: string, entryId: string, owner: string): Promise<void> {
    const release = this.db.prepare(
      'UPDATE outbox SET claim_owner = NULL, claim_until = NULL WHERE order_id = ? AND entry_id = ? AND claim_owner = ?',
    );
    await retryOnConflict(async () => release.run(orderId, entryId, owner), isBusy, this.retry);
  }

  /** Read from the partial index `outbox_pending` (pending entries only), a page of entries at a time. */
  async pendingOrders({ before, limit, cursor }: PendingOutboxQuery): Promise<PendingOutboxPage> {
    const after = cursor ? decodeCursor(cursor) : ['', '', ''];
    const rows = this.db
      .prepare<[string, string, string, string, number], { order_id: string; entry_id: string; pending_since: string }>(
        `SELECT order_id, entry_id, pending_since FROM outbox INDEXED BY outbox_pending
         WHERE pending_since IS NOT NULL AND pending_since < ? AND (pending_since, order_id, entry_id) > (?, ?, ?)
         ORDER BY pending_since, order_id, entry_id LIMIT ?`,
      )
      .all(before, after[0], after[1], after[2], limit);
    const orders = new Map<string, string>();
    for (const r of rows) if (!orders.has(r.order_id)) orders.set(r.order_id, r.pending_since);
    const page: PendingOutboxPage = { orders: [...orders].map(([order_id, pending_since]) => ({ order_id, pending_since })) };
    const last = rows[rows.length - 1];
    if (rows.length === limit) page.cursor = Buffer.from(JSON.stringify([last.pending_since, last.order_id, last.entry_id])).toString('base64url');
    return page;
  }

  async getStock(productId: string): Promise<number | undefined> {
    return whenNotBusy(() => this.db.prepare<[string], { quantity: number }>('SELECT quantity FROM stock WHERE product_id = ?').get(productId)?.quantity);
  }

  async setStock(productId: string, quantity: number): Promise<void> {
    await whenNotBusy(() =>
      this.db
        .prepare('INSERT INTO stock (product_id, quantity) VALUES (?, ?) ON CONFLICT (product_id) DO UPDATE SET quantity = excluded.quantity')
        .run(productId, quantity),
    );
  }

  /** Every stocked product in id order, for `GET /stock`. */
  allStock(): { product_id: string; quantity: number }[] {
    return this.db.prepare<[], { product_id: string; quantity: number }>('SELECT product_id, quantity FROM stock ORDER BY product_id').all();
  }
}

function toRecord(row: OrderRow): OrderRecord {
  const record: OrderRecord = { order: JSON.parse(row.body) as Order, status: row.status, placed_at: row.placed_at };
  if (row.short_lines) record.short_lines = JSON.parse(row.short_lines) as ShortLine[];
  if (row.fingerprint) record.fingerprint = row.fingerprint;
  return record;
}

function duplicate(existing: { status: OrderStatus; fingerprint: string | null }): PlaceOrderResult {
  return existing.fingerprint
    ? { outcome: 'duplicate', status: existing.status, fingerprint: existing.fingerprint }
    : { outcome: 'duplicate', status: existing.status };
}

function decodeCursor(cursor: string): [string, string, string] {
  const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'string')) {
    throw new Error('pendingOrders: a cursor this ledger did not issue');
  }
  return value as [string, string, string];
}
