/**
 * OrderLedger and Inventory on Table storage (or Cosmos DB for Table, same SDK).
 *
 * placeOrder is ONE entity-group transaction, and a transaction holds at most 100 entities of ONE
 * partition of one table (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
 * So stock rows, order rows and outbox rows share the partition `ledger`:
 *   `stock:<product_id>`           { quantity }
 *   `order:<order_id>`             { order (JSON), status, placed_at, short_lines (JSON) }
 *   `outbox:<order_id>:<nnn>`      { entry (JSON), sent, pending_since, claim_owner, claim_until }
 *   `pending:<placed_at>:<order_id>:<nnn>`  { order_id, pending_since }: one row per pending entry
 * The `pending:` rows are the pending outbox's index: created in the transaction that records the
 * order, each deleted in the transaction that marks its entry sent, so a range query on RowKey
 * (`pending:` up to `pending:<time>`) reads pending work only, oldest first, and never the orders.
 * An order of 25 products (the core's cap) is 25 stock updates + 1 order + 2 x its outbox entries.
 * Throughput limit: one partition serves about 2,000 entities/s on Table storage
 * (https://learn.microsoft.com/azure/storage/tables/scalability-targets), i.e. roughly 400-600
 * small orders/s for the whole shop, and concurrent orders for one product serialise on its
 * row's ETag. To lift it: split the catalogue into several partitions (by product group) and
 * allow an order only within one group, or move to Cosmos DB for Table with more throughput.
 *
 * Stock is decremented by Replace with the row's ETag; a 412 (another order got there first)
 * or a 409 (the same order id created concurrently) is retried with handlers/retry.ts from a
 * fresh read, so a conflict is never reported as insufficient stock.
 */
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Inventory } from '../../../handlers/ports/inventory';
import type {
  EntryClaim,
  OrderLedger,
  OrderRecord,
  OutboxEntry,
  PendingOutboxPage,
  PendingOutboxQuery,
  PlaceOrderRequest,
  PlaceOrderResult,
  ShortLine,
} from '../../../handlers/ports/order-ledger';
import { retryOnConflict, type RetryOptions } from '../../../handlers/retry';
import { isGone, isStale, isTaken, keyPart } from '../table-keys';
import { loadTables } from '../sdk';

export const LEDGER_PARTITION = 'ledger';

/** More attempts than the default: every order for a hot product contends for one row. */
export const ledgerConflictRetry: RetryOptions = { attempts: 30, baseDelayMs: 10, maxDelayMs: 300 };

type StockEntity = {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  quantity: number;
};
type OrderEntity = {
  partitionKey: string;
  rowKey: string;
  order: string;
  status: string;
  placed_at: string;
  short_lines?: string;
  fingerprint?: string;
};
type OutboxEntity = {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  entry: string;
  sent: boolean;
  /** Absent on rows written before the pending index existed (they have no `pending:` row). */
  pending_since?: string;
  /** '' when nobody holds the entry (Merge cannot remove a property). */
  claim_owner?: string;
  claim_until?: string;
};
type PendingEntity = {
  partitionKey: string;
  rowKey: string;
  order_id: string;
  pending_since: string;
};

const stockRow = (productId: string) => `stock:${keyPart(productId)}`;
const orderRow = (orderId: string) => `order:${keyPart(orderId)}`;
const outboxPrefix = (orderId: string) => `outbox:${keyPart(orderId)}:`;
/** `;` is the character after `:`: the end of one order's outbox range. */
const outboxEnd = (orderId: string) => `outbox:${keyPart(orderId)};`;
const outboxRow = (orderId: string, index: number) => outboxPrefix(orderId) + String(index).padStart(3, '0');
const PENDING_PREFIX = 'pending:';
/** ISO 8601 times of one length sort as strings do, so the RowKey order is the time order. */
const pendingRow = (since: string, outboxRowKey: string) => `${PENDING_PREFIX}${since}:${outboxRowKey.slice('outbox:'.length)}`;

export class TableOrderLedger implements OrderLedger, Inventory {
  constructor(
    private readonly table: TableClient,
    private readonly retry: RetryOptions = ledgerConflictRetry,
  ) {}

  private async entity<T extends object>(rowKey: string): Promise<T | undefined> {
    try {
      return await this.table.getEntity<T>(LEDGER_PARTITION, rowKey);
    } catch (err) {
      if (isGone(err)) return undefined;
      throw err;
    }
  }

  async placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResult> {
    return retryOnConflict(() => this.tryPlace(request), (err) => isStale(err) || isTaken(err), this.retry);
  }

  private async tryPlace({ order, at, outboxIfPlaced, outboxIfCancelled, fingerprint }: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const existing = await this.entity<OrderEntity>(orderRow(order.order_id));
    if (existing) {
      const status = existing.status as OrderRecord['status'];
      return existing.fingerprint ? { outcome: 'duplicate', status, fingerprint: existing.fingerprint } : { outcome: 'duplicate', status };
    }
    const rows = await Promise.all(order.items.map((line) => this.entity<StockEntity>(stockRow(line.product_id))));
    const short: ShortLine[] = [];
    order.items.forEach((line, i) => {
      const available = Number(rows[i]?.quantity ?? 0);
      if (available < line.quantity) short.push({ product_id: line.product_id, requested: line.quantity, available });
    });
    const record: OrderEntity = {
      partitionKey: LEDGER_PARTITION,
      rowKey: orderRow(order.order_id),
      order: JSON.stringify(order),
      status: short.length ? 'CANCELLED_INSUFFICIENT_INVENTORY' : 'PLACED',
      placed_at: at,
      fingerprint,
    };
    const actions: TransactionAction[] = [];
    if (short.length) {
      record.short_lines = JSON.stringify(short);
    } else {
      order.items.forEach((line, i) => {
        const row = rows[i]!;
        const next = { partitionKey: LEDGER_PARTITION, rowKey: row.rowKey, quantity: Number(row.quantity) - line.quantity };
        actions.push(['update', next, 'Replace', { etag: row.etag }]);
      });
    }
    actions.push(['create', record]);
    (short.length ? outboxIfCancelled : outboxIfPlaced).forEach((entry, i) => {
      const rowKey = outboxRow(order.order_id, i);
      const row: OutboxEntity = { partitionKey: LEDGER_PARTITION, rowKey, entry: JSON.stringify(entry), sent: false, pending_since: at, claim_owner: '', claim_until: '' };
      const pending: PendingEntity = { partitionKey: LEDGER_PARTITION, rowKey: pendingRow(at, rowKey), order_id: order.order_id, pending_since: at };
      actions.push(['create', row], ['create', pending]);
    });
    await this.table.submitTransaction(actions);
    return short.length ? { outcome: 'insufficient', short } : { outcome: 'placed' };
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const e = await this.entity<OrderEntity>(orderRow(orderId));
    if (!e) return undefined;
    const record: OrderRecord = { order: JSON.parse(e.order), status: e.status as OrderRecord['status'], placed_at: e.placed_at };
    if (e.short_lines) record.short_lines = JSON.parse(e.short_lines);
    if (e.fingerprint) record.fingerprint = e.fingerprint;
    return record;
  }

  private async outboxRows(orderId: string): Promise<OutboxEntity[]> {
    const filter = loadTables().odata`PartitionKey eq ${LEDGER_PARTITION} and RowKey ge ${outboxPrefix(orderId)} and RowKey lt ${outboxEnd(orderId)}`;
    const rows: OutboxEntity[] = [];
    for await (const e of this.table.listEntities<OutboxEntity>({ queryOptions: { filter } })) rows.push(e);
    return rows.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1));
  }

  async pendingOutbox(orderId: string): Promise<OutboxEntry[]> {
    return (await this.outboxRows(orderId)).filter((r) => !r.sent).map((r) => JSON.parse(r.entry) as OutboxEntry);
  }

  /** The entry's row, read fresh (with its ETag); undefined when the order has no such entry. */
  private async outboxRowOf(orderId: string, entryId: string): Promise<OutboxEntity | undefined> {
    return (await this.outboxRows(orderId)).find((row) => (JSON.parse(row.entry) as OutboxEntry).entry_id === entryId);
  }

  /**
   * Reads the entry's row and hands it to `change`, which writes with the row's ETag; a 412 (another
   * writer changed the row since it was read) reads it again and retries.
   */
  private withOutboxRow<T>(orderId: string, entryId: string, change: (row: OutboxEntity | undefined) => Promise<T>): Promise<T> {
    return retryOnConflict(async () => change(await this.outboxRowOf(orderId, entryId)), isStale, this.retry);
  }

  /**
   * One entity-group transaction: the row marked sent (if unchanged since read) and its `pending:`
   * row deleted. A 412 means another writer got there first: read again.
   */
  async markSent(orderId: string, entryId: string): Promise<void> {
    await this.withOutboxRow(orderId, entryId, async (row) => {
      if (!row || row.sent) return;
      const actions: TransactionAction[] = [
        ['update', { partitionKey: LEDGER_PARTITION, rowKey: row.rowKey, sent: true, claim_owner: '', claim_until: '' }, 'Merge', { etag: row.etag }],
      ];
      if (row.pending_since) actions.push(['delete', { partitionKey: LEDGER_PARTITION, rowKey: pendingRow(row.pending_since, row.rowKey) }]);
      await this.table.submitTransaction(actions);
    });
  }

  /** Merge with the row's ETag: of two claims read at the same version, the second gets 412 and reads again. */
  async claimEntry(orderId: string, entryId: string, claim: EntryClaim): Promise<boolean> {
    return this.withOutboxRow(orderId, entryId, async (row) => {
      if (!row || row.sent) return false;
      if (row.claim_owner && row.claim_owner !== claim.owner && (row.claim_until ?? '') > claim.at) return false;
      await this.table.updateEntity(
        { partitionKey: LEDGER_PARTITION, rowKey: row.rowKey, claim_owner: claim.owner, claim_until: claim.until },
        'Merge',
        { etag: row.etag },
      );
      return true;
    });
  }

  async releaseEntry(orderId: string, entryId: string, owner: string): Promise<void> {
    await this.withOutboxRow(orderId, entryId, async (row) => {
      if (!row || row.claim_owner !== owner) return;
      await this.table.updateEntity({ partitionKey: LEDGER_PARTITION, rowKey: row.rowKey, claim_owner: '', claim_until: '' }, 'Merge', { etag: row.etag });
    });
  }

  /** A RowKey range of the `pending:` rows, up to (not including) `pending:<before>`; at most `limit` rows. */
  async pendingOrders({ before, limit, cursor }: PendingOutboxQuery): Promise<PendingOutboxPage> {
    const after = cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : PENDING_PREFIX;
    if (!after.startsWith(PENDING_PREFIX)) throw new Error('pendingOrders: a cursor this ledger did not issue');
    const filter = loadTables().odata`PartitionKey eq ${LEDGER_PARTITION} and RowKey gt ${after} and RowKey lt ${PENDING_PREFIX + before}`;
    const rows: PendingEntity[] = [];
    const pages = this.table.listEntities<PendingEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: limit });
    for await (const page of pages) {
      for (const e of page) if (rows.length < limit) rows.push(e);
      if (rows.length >= limit) break;
    }
    const orders = new Map<string, string>();
    for (const r of rows) if (!orders.has(r.order_id)) orders.set(r.order_id, r.pending_since);
    const result: PendingOutboxPage = { orders: [...orders].map(([order_id, pending_since]) => ({ order_id, pending_since })) };
    if (rows.length === limit) result.cursor = Buffer.from(rows[rows.length - 1].rowKey).toString('base64url');
    return result;
  }

  async getStock(productId: string): Promise<number | undefined> {
    const e = await this.entity<StockEntity>(stockRow(productId));
    return e ? Number(e.quantity) : undefined;
  }

  async setStock(productId: string, quantity: number): Promise<void> {
    await this.table.upsertEntity({ partitionKey: LEDGER_PARTITION, rowKey: stockRow(productId), quantity }, 'Replace');
  }
}
