/**
 * Stock levels, read and set outside an order: seeding, the local console, tests.
 * The orders function itself only changes stock through `OrderLedger.placeOrder`.
 */
export interface Inventory {
  /** Undefined for a product that has never been stocked. */
  getStock(productId: string): Promise<number | undefined>;
  setStock(productId: string, quantity: number): Promise<void>;
}
