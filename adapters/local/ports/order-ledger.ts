/**
 * Orders, stock and the outbox in one SQLite file, so that placing an order is one
 * transaction: BEGIN IMMEDIATE takes the write lock before the stock is read, so no other
 * writer can change it between the check and the decrement. Another process holding the lock
 * (SQLITE_BUSY) is a write conflict: retried by `retryOnConflict`, never reported as short.
 */
import type { Inventory } from '../../../handlers/ports/inventory';
import type {
  Order,
  OrderLedger,
  OrderRecord,
  OrderStatus,
  OutboxEntry,
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

  private placeInTransaction({ order, at, outboxIfPlaced, outboxIfCancelled }: PlaceOrderRequest): PlaceOrderResult {
    const existing = this.db.prepare<[string], { status: OrderStatus }>('SELECT status FROM orders WHERE order_id = ?').get(order.order_id);
    if (existing) return { outcome: 'duplicate', status: existing.status };
    const readStock = this.db.prepare<[string], { quantity: number }>('SELECT quantity FROM stock WHERE product_id = ?');
    const short: ShortLine[] = [];
    for (const line of order.items) {
      const available = readStock.get(line.product_id)?.quantity ?? 0;
      if (available < line.quantity) short.push({ product_id: line.product_id, requested: line.quantity, available });
    }
    if (short.length > 0) {
      this.insertOrder(order, 'CANCELLED_INSUFFICIENT_INVENTORY', at, short, outboxIfCancelled);
      return { outcome: 'insufficient', short };
    }
    const take = this.db.prepare('UPDATE stock SET quantity = quantity - ? WHERE product_id = ?');
    for (const line of order.items) take.run(line.quantity, line.product_id);
    this.insertOrder(order, 'PLACED', at, undefined, outboxIfPlaced);
    return { outcome: 'placed' };
  }

  private insertOrder(order: Order, status: OrderStatus, at: string, short: ShortLine[] | undefined, outbox: OutboxEntry[]): void {
    this.db
      .prepare('INSERT INTO orders (order_id, body, status, placed_at, short_lines) VALUES (?, ?, ?, ?, ?)')
      .run(order.order_id, JSON.stringify(order), status, at, short ? JSON.stringify(short) : null);
    const insert = this.db.prepare(
      'INSERT INTO outbox (order_id, entry_id, seq, channel, body, attributes) VALUES (?, ?, ?, ?, ?, ?)',
    );
    outbox.forEach((e, seq) =>
      insert.run(order.order_id, e.entry_id, seq, e.channel, JSON.stringify(e.body), JSON.stringify(e.attributes)),
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
    await whenNotBusy(() =>
      this.db
        .prepare('UPDATE outbox SET sent_at = ? WHERE order_id = ? AND entry_id = ? AND sent_at IS NULL')
        .run(new Date().toISOString(), orderId, entryId),
    );
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
  return record;
}
