/**
 * An in-memory OrderLedger and Inventory for unit tests of the core (not shipped).
 * JavaScript runs placeOrder's synchronous body without interleaving, which makes it atomic.
 */
import type { Inventory } from '../../../handlers/ports/inventory';
import type {
  OrderLedger,
  OrderRecord,
  OutboxEntry,
  PlaceOrderRequest,
  PlaceOrderResult,
  ShortLine,
} from '../../../handlers/ports/order-ledger';

export class MemoryOrderLedger implements OrderLedger, Inventory {
  readonly stock = new Map<string, number>();
  readonly orders = new Map<string, OrderRecord>();
  readonly outbox = new Map<string, { entry: OutboxEntry; sent: boolean }[]>();

  async placeOrder({ order, at, outboxIfPlaced, outboxIfCancelled }: PlaceOrderRequest): Promise<PlaceOrderResult> {
    const existing = this.orders.get(order.order_id);
    if (existing) return { outcome: 'duplicate', status: existing.status };
    const short: ShortLine[] = [];
    for (const line of order.items) {
      const available = this.stock.get(line.product_id) ?? 0;
      if (available < line.quantity) short.push({ product_id: line.product_id, requested: line.quantity, available });
    }
    if (short.length > 0) {
      this.orders.set(order.order_id, { order, status: 'CANCELLED_INSUFFICIENT_INVENTORY', placed_at: at, short_lines: short });
      this.outbox.set(order.order_id, outboxIfCancelled.map((entry) => ({ entry, sent: false })));
      return { outcome: 'insufficient', short };
    }
    for (const line of order.items) this.stock.set(line.product_id, this.stock.get(line.product_id)! - line.quantity);
    this.orders.set(order.order_id, { order, status: 'PLACED', placed_at: at });
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

  async getStock(productId: string) {
    return this.stock.get(productId);
  }

  async setStock(productId: string, quantity: number) {
    this.stock.set(productId, quantity);
  }
}
