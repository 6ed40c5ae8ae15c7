/**
 * An in-memory OrderLedger and Inventory for unit tests of the core (not shipped).
 * JavaScript runs each method's synchronous body without interleaving, which makes it atomic.
 */
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

interface StoredEntry {
  entry: OutboxEntry;
  sent: boolean;
  claim?: { owner: string; until: string };
}

export class MemoryOrderLedger implements OrderLedger, Inventory {
  readonly stock = new Map<string, number>();
  readonly orders = new Map<string, OrderRecord>();
  readonly outbox = new Map<string, StoredEntry[]>();

  async placeOrder({ order, at, outboxIfPlaced, outboxIfCancelled, fingerprint }: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const existing = this.orders.get(order.order_id);
    if (existing) return { outcome: 'duplicate', status: existing.status, fingerprint: existing.fingerprint };
    const short: ShortLine[] = [];
    for (const line of order.items) {
      const available = this.stock.get(line.product_id) ?? 0;
      if (available < line.quantity) short.push({ product_id: line.product_id, requested: line.quantity, available });
    }
    if (short.length > 0) {
      this.orders.set(order.order_id, { order, status: 'CANCELLED_INSUFFICIENT_INVENTORY', placed_at: at, short_lines: short, fingerprint });
      this.outbox.set(order.order_id, outboxIfCancelled.map((entry) => ({ entry, sent: false })));
      return { outcome: 'insufficient', short };
    }
    for (const line of order.items) this.stock.set(line.product_id, this.stock.get(line.product_id)! - line.quantity);
    this.orders.set(order.order_id, { order, status: 'PLACED', placed_at: at, fingerprint });
    this.outbox.set(order.order_id, outboxIfPlaced.map((entry) => ({ entry, sent: false })));
    return { outcome: 'placed' };
  }

  async getOrder(orderId: string) {
    return this.orders.get(orderId);
  }

  async pendingOutbox(orderId: string) {
    return (this.outbox.get(orderId) ?? []).filter((e) => !e.sent).map((e) => e.entry);
  }

  async markSent(orderId: string, entryId: string) {
    for (const e of this.outbox.get(orderId) ?? []) if (e.entry.entry_id === entryId) e.sent = true;
  }

  async claimEntry(orderId: string, entryId: string, claim: EntryClaim): Promise<boolean> {
    const e = (this.outbox.get(orderId) ?? []).find((s) => s.entry.entry_id === entryId);
    if (!e || e.sent) return false;
    if (e.claim && e.claim.owner !== claim.owner && e.claim.until > claim.at) return false;
    e.claim = { owner: claim.owner, until: claim.until };
    return true;
  }

  async releaseEntry(orderId: string, entryId: string, owner: string): Promise<void> {
    const e = (this.outbox.get(orderId) ?? []).find((s) => s.entry.entry_id === entryId);
    if (e?.claim?.owner === owner) delete e.claim;
  }

  async pendingOrders({ before, limit, cursor }: PendingOutboxQuery): Promise<PendingOutboxPage> {
    const after = cursor ? (JSON.parse(cursor) as [string, string]) : undefined;
    const rows = [...this.orders]
      .filter(([id, r]) => r.placed_at < before && (this.outbox.get(id) ?? []).some((e) => !e.sent))
      .map(([order_id, r]) => ({ order_id, pending_since: r.placed_at }))
      .sort((a, b) => (a.pending_since === b.pending_since ? cmp(a.order_id, b.order_id) : cmp(a.pending_since, b.pending_since)))
      .filter((r) => !after || cmp(r.pending_since, after[0]) > 0 || (r.pending_since === after[0] && cmp(r.order_id, after[1]) > 0));
    const orders = rows.slice(0, limit);
    const last = orders[orders.length - 1];
    return rows.length > limit ? { orders, cursor: JSON.stringify([last.pending_since, last.order_id]) } : { orders };
  }

  async getStock(productId: string) {
    return this.stock.get(productId);
  }

  async setStock(productId: string, quantity: number) {
    this.stock.set(productId, quantity);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
