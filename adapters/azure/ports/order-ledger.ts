/**
 * OrderLedger and Inventory on Table storage (or Cosmos DB for Table, same SDK).
 *
 * placeOrder is ONE entity-group transaction, and a transaction holds at most 100 entities of ONE
 * partition of one table (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
 * So stock rows, order rows and outbox rows share the partition `ledger`:
 *   `stock:<product_id>`           { quantity }
 *   `order:<order_id>`             { order (JSON), status, placed_at, short_lines (JSON) }
 *   `outbox:<order_id>:<nnn>`      { entry (JSON), sent }
 * An order of 25 products (the core's cap) is 25 stock updates + 1 order + its outbox entries.
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
  OrderLedger,
  OrderRecord,
  OutboxEntry,
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
};
type OutboxEntity = {
  partitionKey: string;
  rowKey: string;
  entry: string;
  sent: boolean;
};

const stockRow = (productId: string) => `stock:${keyPart(productId)}`;
const orderRow = (orderId: string) => `order:${keyPart(orderId)}`;
const outboxPrefix = (orderId: string) => `outbox:${keyPart(orderId)}:`;
/** `;` is the character after `:`: the end of one order's outbox range. */
const outboxEnd = (orderId: string) => `outbox:${keyPart(orderId)};`;
const outboxRow = (orderId: string, index: number) => outboxPrefix(orderId) + String(index).padStart(3, '0');

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

  private async tryPlace({ order, at, outboxIfPlaced, outboxIfCancelled }: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const existing = await this.entity<OrderEntity>(orderRow(order.order_id));
    if (existing) return { outcome: 'duplicate', status: existing.status as OrderRecord['status'] };
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
      const row: OutboxEntity = { partitionKey: LEDGER_PARTITION, rowKey: outboxRow(order.order_id, i), entry: JSON.stringify(entry), sent: false };
      actions.push(['create', row]);
    });
    await this.table.submitTransaction(actions);
    return short.length ? { outcome: 'insufficient', short } : { outcome: 'placed' };
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const e = await this.entity<OrderEntity>(orderRow(orderId));
    if (!e) return undefined;
    const record: OrderRecord = { order: JSON.parse(e.order), status: e.status as OrderRecord['status'], placed_at: e.placed_at };
    if (e.short_lines) record.short_lines = JSON.parse(e.short_lines);
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

  async markSent(orderId: string, entryId: string): Promise<void> {
    for (const row of await this.outboxRows(orderId)) {
      if (row.sent || (JSON.parse(row.entry) as OutboxEntry).entry_id !== entryId) continue;
      // Merge touches only `sent`; marking twice writes the same value.
      await this.table.updateEntity({ partitionKey: LEDGER_PARTITION, rowKey: row.rowKey, sent: true }, 'Merge');
    }
  }

  async getStock(productId: string): Promise<number | undefined> {
    const e = await this.entity<StockEntity>(stockRow(productId));
    return e ? Number(e.quantity) : undefined;
  }

  async setStock(productId: string, quantity: number): Promise<void> {
    await this.table.upsertEntity({ partitionKey: LEDGER_PARTITION, rowKey: stockRow(productId), quantity }, 'Replace');
  }
}
