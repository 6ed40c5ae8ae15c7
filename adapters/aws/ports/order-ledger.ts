/**
 * OrderLedger and Inventory on one DynamoDB table (keys: see ../tables.ts).
 *
 * placeOrder is ONE TransactWriteItems: a conditional decrement per line, the order Put with
 * attribute_not_exists (a redelivered order fails there and is a `duplicate`), and the outbox
 * entries. DynamoDB allows 100 actions per transaction
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html), so
 * 25 lines + 1 order + the outbox fit with room to spare.
 *
 * When a line is short the transaction changes nothing; the short lines are then read in one
 * consistent snapshot (TransactGetItems) and the cancelled order and its outbox are written in a
 * second transaction that re-checks each short line is still short, so a cancellation is always a
 * real shortage. Conflicts with other transactions are retried (handlers/retry.ts).
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Inventory } from '../../../handlers/ports/inventory';
import type {
  EntryClaim,
  Order,
  OrderLedger,
  OrderLine,
  OrderRecord,
  OrderStatus,
  OutboxEntry,
  PendingOutboxPage,
  PendingOutboxQuery,
  PlaceOrderRequest,
  PlaceOrderResult,
  ShortLine,
} from '../../../handlers/ports/order-ledger';
import { retryOnConflict } from '../../../handlers/retry';
import { orderKey, ordersTable, outboxKey, outboxPrefix, productKey } from '../tables';
import { conditionFailedAt, isConditionalCheckFailed, isTransactionConflict } from './transactions';

/** Stock moved between the failed transaction and our reading of it: start over. */
class StockChanged extends Error {}

const isRetryable = (err: unknown) => err instanceof StockChanged || isTransactionConflict(err);

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export class DynamoOrderLedger implements OrderLedger, Inventory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResult> {
    return retryOnConflict(() => this.attempt(request), isRetryable);
  }

  private async attempt({ order, at, outboxIfPlaced, outboxIfCancelled, fingerprint }: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const lines = order.items;
    try {
      await this.transact([
        ...lines.map((line) => this.decrement(line)),
        this.putOrder(order, 'PLACED', at, fingerprint),
        ...this.putOutbox(order.order_id, outboxIfPlaced, at),
      ]);
      return { outcome: 'placed' };
    } catch (err) {
      if (conditionFailedAt(err, lines.length)) return this.duplicate(order.order_id);
      if (!lines.some((_, i) => conditionFailedAt(err, i))) throw err;
    }

    const short = await this.shortLines(lines);
    if (short.length === 0) throw new StockChanged();
    const outbox = this.putOutbox(order.order_id, outboxIfCancelled, at);
    try {
      await this.transact([
        this.putOrder(order, 'CANCELLED_INSUFFICIENT_INVENTORY', at, fingerprint, short),
        ...outbox,
        ...short.map((line) => this.stillShort(line)),
      ]);
      return { outcome: 'insufficient', short };
    } catch (err) {
      if (conditionFailedAt(err, 0)) return this.duplicate(order.order_id);
      if (short.some((_, i) => conditionFailedAt(err, 1 + outbox.length + i))) throw new StockChanged();
      throw err;
    }
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: orderKey(orderId), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const record: OrderRecord = { order: out.Item.order as Order, status: out.Item.status as OrderStatus, placed_at: String(out.Item.placed_at) };
    if (out.Item.short_lines) record.short_lines = out.Item.short_lines as ShortLine[];
    if (typeof out.Item.fingerprint === 'string') record.fingerprint = out.Item.fingerprint;
    return record;
  }

  async pendingOutbox(orderId: string): Promise<OutboxEntry[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': orderKey(orderId).pk, ':prefix': outboxPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items
      .filter((item) => item.sent !== true)
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map((item) => item.entry as OutboxEntry);
  }

  async markSent(orderId: string, entryId: string): Promise<void> {
    await this.updateEntry(orderId, entryId, {
      // leaving the sparse pending index in the same write
      UpdateExpression: 'SET sent = :sent REMOVE outbox_pending, pending_since, claim_owner, claim_until',
      // Without the condition an unknown entry would be created by the update.
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':sent': true },
    });
  }

  /** A conditional UpdateItem: DynamoDB applies one of two racing updates whose condition holds. */
  async claimEntry(orderId: string, entryId: string, claim: EntryClaim): Promise<boolean> {
    return this.updateEntry(orderId, entryId, {
      UpdateExpression: 'SET claim_owner = :owner, claim_until = :until',
      ConditionExpression:
        'attribute_exists(pk) AND sent = :false AND (attribute_not_exists(claim_owner) OR claim_owner = :owner OR claim_until <= :at)',
      ExpressionAttributeValues: { ':owner': claim.owner, ':until': claim.until, ':at': claim.at, ':false': false },
    });
  }

  async releaseEntry(orderId: string, entryId: string, owner: string): Promise<void> {
    await this.updateEntry(orderId, entryId, {
      UpdateExpression: 'REMOVE claim_owner, claim_until',
      ConditionExpression: 'claim_owner = :owner',
      ExpressionAttributeValues: { ':owner': owner },
    });
  }

  /** One conditional update of an outbox entry, retried on transaction conflicts; false when its condition failed. */
  private async updateEntry(
    orderId: string,
    entryId: string,
    update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> },
  ): Promise<boolean> {
    try {
      await retryOnConflict(
        () => this.db.send(new UpdateCommand({ TableName: this.tableName, Key: outboxKey(orderId, entryId), ...update })),
        isTransactionConflict,
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /**
   * One Query of the sparse index (pending entries only), `limit` entries a page. Index reads are
   * eventually consistent: an entry marked sent a moment ago may still be listed, and the relay
   * then finds nothing to send.
   */
  async pendingOrders({ before, limit, cursor }: PendingOutboxQuery): Promise<PendingOutboxPage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ordersTable.pendingIndex,
        KeyConditionExpression: '#p = :p AND #since < :before',
        ExpressionAttributeNames: { '#p': ordersTable.pendingKey, '#since': ordersTable.pendingSortKey },
        ExpressionAttributeValues: { ':p': ordersTable.pendingPartition, ':before': before },
        Limit: limit,
        ExclusiveStartKey: cursor ? decodeCursor(cursor) : undefined,
      }),
    );
    const orders = new Map<string, string>();
    for (const item of out.Items ?? []) {
      const orderId = String(item.pk).slice('ORDER#'.length);
      if (!orders.has(orderId)) orders.set(orderId, String(item.pending_since));
    }
    const page: PendingOutboxPage = { orders: [...orders].map(([order_id, pending_since]) => ({ order_id, pending_since })) };
    if (out.LastEvaluatedKey) page.cursor = Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url');
    return page;
  }

  async getStock(productId: string): Promise<number | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: productKey(productId), ConsistentRead: true }));
    return out.Item ? Number(out.Item.quantity) : undefined;
  }

  async setStock(productId: string, quantity: number): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...productKey(productId), quantity } }));
  }

  private async transact(items: TransactItem[]): Promise<void> {
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }

  private decrement(line: OrderLine): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: productKey(line.product_id),
        UpdateExpression: 'SET quantity = quantity - :q',
        // attribute_exists: an update of a product never stocked would create it, below zero.
        ConditionExpression: 'attribute_exists(pk) AND quantity >= :q',
        ExpressionAttributeValues: { ':q': line.quantity },
      },
    };
  }

  private stillShort(line: ShortLine): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: productKey(line.product_id),
        ConditionExpression: 'attribute_not_exists(pk) OR quantity < :q',
        ExpressionAttributeValues: { ':q': line.requested },
      },
    };
  }

  private putOrder(order: Order, status: OrderStatus, at: string, fingerprint: string, short?: ShortLine[]): TransactItem {
    const item: Record<string, unknown> = { ...orderKey(order.order_id), order, status, placed_at: at, fingerprint };
    if (short) item.short_lines = short;
    return { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } };
  }

  /** Each entry enters the sparse pending index (`outbox_pending`, `pending_since`) as it is written. */
  private putOutbox(orderId: string, entries: OutboxEntry[], at: string): TransactItem[] {
    return entries.map((entry, seq) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          ...outboxKey(orderId, entry.entry_id),
          seq,
          sent: false,
          entry,
          [ordersTable.pendingKey]: ordersTable.pendingPartition,
          [ordersTable.pendingSortKey]: at,
        },
      },
    }));
  }

  /** The lines short right now, read together in one serializable snapshot. */
  private async shortLines(lines: OrderLine[]): Promise<ShortLine[]> {
    const out = await this.db.send(
      new TransactGetCommand({ TransactItems: lines.map((line) => ({ Get: { TableName: this.tableName, Key: productKey(line.product_id) } })) }),
    );
    const short: ShortLine[] = [];
    lines.forEach((line, i) => {
      const available = Number(out.Responses?.[i]?.Item?.quantity ?? 0);
      if (available < line.quantity) short.push({ product_id: line.product_id, requested: line.quantity, available });
    });
    return short;
  }

  private async duplicate(orderId: string): Promise<PlaceOrderResult> {
    const existing = await this.getOrder(orderId);
    if (!existing) throw new StockChanged(); // cannot happen once written; retry rather than guess
    return existing.fingerprint
      ? { outcome: 'duplicate', status: existing.status, fingerprint: existing.fingerprint }
      : { outcome: 'duplicate', status: existing.status };
  }
}

/** The index's LastEvaluatedKey, as this ledger encoded it: four string attributes. */
function decodeCursor(cursor: string): Record<string, string> {
  const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  const keys = ['pk', 'sk', ordersTable.pendingKey, ordersTable.pendingSortKey];
  if (typeof value !== 'object' || value === null || !keys.every((k) => typeof (value as Record<string, unknown>)[k] === 'string')) {
    throw new Error('pendingOrders: a cursor this ledger did not issue');
  }
  return value as Record<string, string>;
}
