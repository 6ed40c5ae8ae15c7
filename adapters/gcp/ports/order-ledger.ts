/**
 * OrderLedger and Inventory on Firestore. `stock/{product}` holds `{quantity}`; `orders/{order}`
 * holds the order, its status and its outbox (entries with a `sent` flag) in ONE document, so that
 * placing an order is one transaction: read the order document and every stock document, then
 * write all or nothing. A transaction holds at most 500 writes
 * (https://firebase.google.com/docs/firestore/quotas#writes_and_transactions): 25 stock updates and
 * one order are far inside it. Contention (ABORTED) is retried by the client (5 attempts) and then
 * by `retryOnConflict`, never reported as a shortage.
 */
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import type { Inventory } from '../../../handlers/ports/inventory';
import type {
  OrderLedger,
  OrderRecord,
  OutboxEntry,
  PlaceOrderRequest,
  PlaceOrderResult,
  ShortLine,
} from '../../../handlers/ports/order-ledger';
import { retryOnConflict } from '../../../handlers/retry';
import { encodedDocumentId, isAborted } from './document-ids';

export interface FirestoreLedgerCollections {
  orders: string;
  stock: string;
}

export const defaultLedgerCollections: FirestoreLedgerCollections = { orders: 'orders', stock: 'stock' };

interface StoredOutboxEntry extends OutboxEntry {
  sent: boolean;
}

interface OrderDocument extends OrderRecord {
  outbox: StoredOutboxEntry[];
}

export class FirestoreOrderLedger implements OrderLedger, Inventory {
  constructor(
    private readonly db: Firestore,
    private readonly collections: FirestoreLedgerCollections = defaultLedgerCollections,
  ) {}

  async placeOrder({ order, at, outboxIfPlaced, outboxIfCancelled }: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const orderRef = this.orderRef(order.order_id);
    const stockRefs = order.items.map((line) => this.stockRef(line.product_id));
    return retryOnConflict(
      () =>
        this.db.runTransaction(async (tx): Promise<PlaceOrderResult> => {
          // Every read before any write, as Firestore transactions require.
          const [existing, ...stocks] = await tx.getAll(orderRef, ...stockRefs);
          if (existing.exists) return { outcome: 'duplicate', status: (existing.data() as OrderDocument).status };
          const short: ShortLine[] = [];
          order.items.forEach((line, i) => {
            const available = stocks[i].exists ? Number(stocks[i].get('quantity')) : 0;
            if (available < line.quantity) short.push({ product_id: line.product_id, requested: line.quantity, available });
          });
          if (short.length > 0) {
            tx.create(orderRef, document({ order, status: 'CANCELLED_INSUFFICIENT_INVENTORY', placed_at: at, short_lines: short }, outboxIfCancelled));
            return { outcome: 'insufficient', short };
          }
          order.items.forEach((line, i) => {
            tx.update(stockRefs[i], { quantity: Number(stocks[i].get('quantity')) - line.quantity });
          });
          tx.create(orderRef, document({ order, status: 'PLACED', placed_at: at }, outboxIfPlaced));
          return { outcome: 'placed' };
        }),
      isAborted,
    );
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const snap = await this.orderRef(orderId).get();
    if (!snap.exists) return undefined;
    const { order, status, placed_at, short_lines } = snap.data() as OrderDocument;
    const record: OrderRecord = { order, status, placed_at };
    if (short_lines) record.short_lines = short_lines;
    return record;
  }

  async pendingOutbox(orderId: string): Promise<OutboxEntry[]> {
    const snap = await this.orderRef(orderId).get();
    if (!snap.exists) return [];
    return (snap.data() as OrderDocument).outbox.filter((e) => !e.sent).map(withoutSentFlag);
  }

  async markSent(orderId: string, entryId: string): Promise<void> {
    const ref = this.orderRef(orderId);
    await retryOnConflict(
      () =>
        this.db.runTransaction(async (tx) => {
          const snap = await tx.get(ref);
          if (!snap.exists) return;
          const outbox = (snap.data() as OrderDocument).outbox;
          if (!outbox.some((e) => e.entry_id === entryId && !e.sent)) return;
          tx.update(ref, { outbox: outbox.map((e) => (e.entry_id === entryId ? { ...e, sent: true } : e)) });
        }),
      isAborted,
    );
  }

  async getStock(productId: string): Promise<number | undefined> {
    const snap = await this.stockRef(productId).get();
    return snap.exists ? Number(snap.get('quantity')) : undefined;
  }

  async setStock(productId: string, quantity: number): Promise<void> {
    await this.stockRef(productId).set({ product_id: productId, quantity });
  }

  private orderRef(orderId: string): DocumentReference {
    return this.db.collection(this.collections.orders).doc(encodedDocumentId(orderId));
  }

  private stockRef(productId: string): DocumentReference {
    return this.db.collection(this.collections.stock).doc(encodedDocumentId(productId));
  }
}

function document(record: OrderRecord, outbox: OutboxEntry[]): OrderDocument {
  return { ...record, outbox: outbox.map((e) => ({ ...e, sent: false })) };
}

function withoutSentFlag({ sent: _sent, ...entry }: StoredOutboxEntry): OutboxEntry {
  return entry;
}
