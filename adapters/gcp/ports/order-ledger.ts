/**
 * OrderLedger and Inventory on Firestore. `stock/{product}` holds `{quantity}`; `orders/{order}`
 * holds the order, its status and its outbox (entries with a `sent` flag) in ONE document.
 *
 * Placing an order is optimistic: one consistent read of the order and its stock documents, then
 * ONE atomic batched write (https://firebase.google.com/docs/firestore/manage-data/transactions#batched-writes)
 * that creates the order (`create` fails if the order exists) and updates each stock document
 * only if it is unchanged since the read (`lastUpdateTime` precondition). Another writer in
 * between fails the whole batch (FAILED_PRECONDITION or ALREADY_EXISTS); nothing is half-applied,
 * and `retryOnConflict` reads again: the order then shows up as a duplicate, or the new stock is
 * used. A conflict is never reported as a shortage. A cancellation writes only the order: it
 * rests on that one consistent read of the stock.
 *
 * Why not `runTransaction`: server-side transactions lock every document they read until they
 * commit. Two copies of one order (at-least-once delivery) read the same order and stock
 * documents and then both need them exclusively; measured on the Firestore emulator, 200 orders
 * delivered twice 16 at a time stalled for good after about 70 (every read then failed with
 * "ABORTED: Transaction lock timeout": a transaction whose first read times out has no id for
 * the client to roll back, and its locks stay), while this batch placed all 200 in 3 s. In
 * production it also keeps a hot stock document from queueing its readers behind a lock.
 * A batch holds at most 500 writes: an order has at most 25 lines plus itself.
 *
 * The pending outbox's index: an order document carries `pending_since` (its placed_at) while an
 * entry of its outbox is unsent, and the write that marks the last one sent deletes the field.
 * Firestore indexes every field on its own automatically, and a document without the field is not
 * in that index (https://firebase.google.com/docs/firestore/query-data/index-overview#single-field_indexes),
 * so `where pending_since < T order by pending_since` reads pending orders only. A relay's lease
 * on an entry (`claim_owner`, `claim_until`) is written the same optimistic way as `sent`.
 */
import type { DocumentReference, Firestore, Timestamp } from '@google-cloud/firestore';
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
import { retryOnConflict } from '../../../handlers/retry';
import { loadFirestore } from '../sdk';
import { encodedDocumentId } from './document-ids';
import { isWriteConflict } from './write-conflicts';

export interface FirestoreLedgerCollections {
  orders: string;
  stock: string;
}

export const defaultLedgerCollections: FirestoreLedgerCollections = { orders: 'orders', stock: 'stock' };

interface StoredOutboxEntry extends OutboxEntry {
  sent: boolean;
  claim_owner?: string;
  claim_until?: string;
}

interface OrderDocument extends OrderRecord {
  outbox: StoredOutboxEntry[];
  /** Present while an entry is pending: the pending index. */
  pending_since?: string;
}

export class FirestoreOrderLedger implements OrderLedger, Inventory {
  constructor(
    private readonly db: Firestore,
    private readonly collections: FirestoreLedgerCollections = defaultLedgerCollections,
  ) {}

  async placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResult> {
    return retryOnConflict(() => this.placeOnce(request), isWriteConflict);
  }

  private async placeOnce({ order, at, outboxIfPlaced, outboxIfCancelled, fingerprint }: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const orderRef = this.orderRef(order.order_id);
    const stockRefs = order.items.map((line) => this.stockRef(line.product_id));
    // One read, at one point in time, of the order and every stock document it needs.
    const [existing, ...stocks] = await this.db.getAll(orderRef, ...stockRefs);
    if (existing.exists) {
      const { status, fingerprint: recorded } = existing.data() as OrderDocument;
      return recorded ? { outcome: 'duplicate', status, fingerprint: recorded } : { outcome: 'duplicate', status };
    }
    const short: ShortLine[] = [];
    order.items.forEach((line, i) => {
      const available = stocks[i].exists ? Number(stocks[i].get('quantity')) : 0;
      if (available < line.quantity) short.push({ product_id: line.product_id, requested: line.quantity, available });
    });
    const batch = this.db.batch();
    if (short.length > 0) {
      batch.create(orderRef, document({ order, status: 'CANCELLED_INSUFFICIENT_INVENTORY', placed_at: at, short_lines: short, fingerprint }, outboxIfCancelled));
      await batch.commit();
      return { outcome: 'insufficient', short };
    }
    order.items.forEach((line, i) => {
      // Lines are merged per product by the message parser, so each stock document is written once.
      batch.update(
        stockRefs[i],
        { quantity: Number(stocks[i].get('quantity')) - line.quantity },
        { lastUpdateTime: stocks[i].updateTime as Timestamp },
      );
    });
    batch.create(orderRef, document({ order, status: 'PLACED', placed_at: at, fingerprint }, outboxIfPlaced));
    await batch.commit();
    return { outcome: 'placed' };
  }

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    const snap = await this.orderRef(orderId).get();
    if (!snap.exists) return undefined;
    const { order, status, placed_at, short_lines, fingerprint } = snap.data() as OrderDocument;
    const record: OrderRecord = { order, status, placed_at };
    if (short_lines) record.short_lines = short_lines;
    if (fingerprint) record.fingerprint = fingerprint;
    return record;
  }

  async pendingOutbox(orderId: string): Promise<OutboxEntry[]> {
    const snap = await this.orderRef(orderId).get();
    if (!snap.exists) return [];
    return (snap.data() as OrderDocument).outbox.filter((e) => !e.sent).map(withoutSentFlag);
  }

  /**
   * The same optimistic write: the outbox is replaced only if the order is unchanged since read;
   * the last entry sent takes the order out of the pending index in that write.
   */
  async markSent(orderId: string, entryId: string): Promise<void> {
    await this.changeEntry(orderId, entryId, (e) => {
      if (e.sent) return undefined;
      const { claim_owner: _owner, claim_until: _until, ...rest } = e;
      return { ...rest, sent: true };
    });
  }

  async claimEntry(orderId: string, entryId: string, claim: EntryClaim): Promise<boolean> {
    let claimed = false;
    await this.changeEntry(orderId, entryId, (e) => {
      claimed = false;
      if (e.sent) return undefined;
      if (e.claim_owner && e.claim_owner !== claim.owner && (e.claim_until ?? '') > claim.at) return undefined;
      claimed = true;
      return { ...e, claim_owner: claim.owner, claim_until: claim.until };
    });
    return claimed;
  }

  async releaseEntry(orderId: string, entryId: string, owner: string): Promise<void> {
    await this.changeEntry(orderId, entryId, (e) => {
      if (e.claim_owner !== owner) return undefined;
      const { claim_owner: _owner, claim_until: _until, ...rest } = e;
      return rest;
    });
  }

  /**
   * Reads the order, lets `change` rewrite one entry (undefined: leave it), and writes the outbox
   * back only if the document is unchanged since the read; a conflict reads again.
   */
  private async changeEntry(
    orderId: string,
    entryId: string,
    change: (entry: StoredOutboxEntry) => StoredOutboxEntry | undefined,
  ): Promise<void> {
    const ref = this.orderRef(orderId);
    await retryOnConflict(async () => {
      const [snap] = await this.db.getAll(ref);
      if (!snap.exists) return;
      const outbox = (snap.data() as OrderDocument).outbox;
      const index = outbox.findIndex((e) => e.entry_id === entryId);
      const changed = index < 0 ? undefined : change(outbox[index]);
      if (!changed) return;
      const next = outbox.map((e, i) => (i === index ? changed : e));
      const update: Record<string, unknown> = { outbox: next };
      if (next.every((e) => e.sent)) update.pending_since = loadFirestore().FieldValue.delete();
      await ref.update(update, { lastUpdateTime: snap.updateTime as Timestamp });
    }, isWriteConflict);
  }

  /** A query on the single-field index of `pending_since`, which holds pending orders only. */
  async pendingOrders({ before, limit, cursor }: PendingOutboxQuery): Promise<PendingOutboxPage> {
    let query = this.db
      .collection(this.collections.orders)
      .where('pending_since', '<', before)
      .orderBy('pending_since')
      .orderBy(loadFirestore().FieldPath.documentId())
      .select('pending_since', 'order.order_id')
      .limit(limit);
    if (cursor) query = query.startAfter(...decodeCursor(cursor));
    const snap = await query.get();
    const orders = snap.docs.map((d) => ({ order_id: String(d.get('order.order_id')), pending_since: String(d.get('pending_since')) }));
    const page: PendingOutboxPage = { orders };
    const last = snap.docs[snap.docs.length - 1];
    if (snap.docs.length === limit) page.cursor = Buffer.from(JSON.stringify([String(last.get('pending_since')), last.id])).toString('base64url');
    return page;
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
  const doc: OrderDocument = { ...record, outbox: outbox.map((e) => ({ ...e, sent: false })) };
  if (outbox.length > 0) doc.pending_since = record.placed_at;
  return doc;
}

function decodeCursor(cursor: string): [string, string] {
  const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'string')) {
    throw new Error('pendingOrders: a cursor this ledger did not issue');
  }
  return value as [string, string];
}

function withoutSentFlag({ sent: _sent, claim_owner: _owner, claim_until: _until, ...entry }: StoredOutboxEntry): OutboxEntry {
  return entry;
}
