/**
 * Orders per second through `OrderLedger.placeOrder`: 1, 8 and 64 concurrent workers, every
 * order on ONE product (every order contends for the same stock row) or spread over MANY
 * (1,000 products, round robin); first the local SQLite ledger of `npm start`, then each cloud's
 * ledger on its emulator. Emulator figures say how the adapter's atomic write and retry behave,
 * not what the cloud service delivers: an emulator is one local process with its own locking.
 *
 * Every run checks its result: each order placed once, and the stock decremented by exactly the
 * quantities placed, so a fast ledger that lost updates cannot post a good figure.
 *
 * Run alone: npm run bench:orders-throughput
 */
import { orderFingerprint } from '../handlers/orders/fingerprint';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../adapters/local/database';
import { SqliteOrderLedger } from '../adapters/local/ports/order-ledger';
import type { Inventory } from '../handlers/ports/inventory';
import type { OrderLedger, PlaceOrderRequest } from '../handlers/ports/order-ledger';
import { pool } from './children';
import { azurite, dynamoDbLocal, firestoreEmulator, type EmulatedLedger } from './emulators';
import { median, ms, percentile, ratio, renderSection, table, type Section } from './report';

const WORKERS = [1, 8, 64];
const MANY_PRODUCTS = 1_000;
const LOCAL_ORDERS = 2_000;
const EMULATOR_ORDERS = 100;
/** A run stops taking new orders after this long: a contended emulator can take minutes. */
const RUN_BUDGET_MS = 6_000;

interface Outcome {
  ordersPerSecond: number;
  failures: string[];
  /** Each sent order's time in placeOrder (conflict retries included), ms. */
  latencies: number[];
  /** Wall time of the run, in-flight orders drained after the budget included, ms. */
  wallMs: number;
  /** The budget ran out before every order was sent. */
  outOfBudget: boolean;
}

function request(run: string, i: number, productId: string): PlaceOrderRequest {
  const order_id = `${run}-${i}`;
  const order = { order_id, user_id: 'bench-user', items: [{ product_id: productId, quantity: 1 }], total_amount: 1000, currency: 'EUR' };
  return {
    order,
    at: new Date().toISOString(),
    outboxIfPlaced: [{ entry_id: 'payment-request', channel: 'payments', body: { order_id }, attributes: { order_id } }],
    outboxIfCancelled: [],
    fingerprint: orderFingerprint(order),
  };
}

async function placeAll(ledger: OrderLedger & Inventory, run: string, orders: number, workers: number, products: number): Promise<Outcome> {
  const productOf = (i: number) => `p-${i % products}`;
  const stock = orders; // more than any product is asked for: every order must be placed
  for (let p = 0; p < Math.min(products, orders); p++) await ledger.setStock(`p-${p}`, stock);
  const failures: string[] = [];
  const started = performance.now();
  const deadline = started + RUN_BUDGET_MS;
  const latencies: number[] = [];
  const results = await pool(Array.from({ length: orders }, (_, i) => i), workers, async (i) => {
    if (performance.now() > deadline) return 'skipped';
    const sent = performance.now();
    try {
      return (await ledger.placeOrder(request(run, i, productOf(i)))).outcome;
    } catch (err) {
      return `error: ${(err as Error).message}`.slice(0, 160);
    } finally {
      latencies.push(performance.now() - sent);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const placed = results.filter((r) => r === 'placed').length;
  const skipped = results.filter((r) => r === 'skipped').length;
  if (skipped > 0) {
    failures.push(
      `${RUN_BUDGET_MS / 1000} s budget spent: ${skipped} orders not sent, rate over the ${orders - skipped} sent ` +
        `(each sent order took ${ms(median(latencies))} in median, ${ms(Math.max(...latencies))} at most; the run ended ${((performance.now() - started) / 1000).toFixed(1)} s after it began)`,
    );
  }
  for (const r of new Set(results)) if (r !== 'placed' && r !== 'skipped') failures.push(`${results.filter((x) => x === r).length} x ${r}`);
  // The stock must have gone down by exactly what was placed.
  let taken = 0;
  for (let p = 0; p < Math.min(products, orders); p++) taken += stock - ((await ledger.getStock(`p-${p}`)) ?? 0);
  if (taken !== placed) failures.push(`stock went down by ${taken} for ${placed} placed orders`);
  return { ordersPerSecond: placed / seconds, failures, latencies, wallMs: performance.now() - started, outOfBudget: skipped > 0 };
}

async function measure(name: string, orders: number, fresh: () => Promise<OrderLedger & Inventory>, rows: (string | number)[][], notes: string[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const [shape, products] of [['one product', 1], ['many products', MANY_PRODUCTS]] as const) {
    let single = NaN;
    for (const workers of WORKERS) {
      const outcome = await placeAll(await fresh(), `${shape.split(' ')[0]}-${workers}`, orders, workers, products);
      if (workers === 1) single = outcome.ordersPerSecond;
      console.error(`orders: ${name}, ${shape}, ${workers} workers: ${outcome.ordersPerSecond.toFixed(0)}/s ${outcome.failures.join('; ')}`);
      rows.push([
        name,
        shape,
        workers,
        orders,
        outcome.ordersPerSecond.toFixed(0),
        ratio(outcome.ordersPerSecond, single),
        `${ms(median(outcome.latencies))} / ${ms(percentile(outcome.latencies, 99))}`,
        `${(outcome.wallMs / 1000).toFixed(1)} s`,
        outcome.failures.join('; ') || 'all placed, stock exact',
      ]);
      if (outcome.failures.length > 0) notes.push(`${name}, ${shape}, ${workers} workers: ${outcome.failures.join('; ')}`);
      outcomes.push(outcome);
    }
  }
  return outcomes;
}

export async function ordersThroughputBenchmark(): Promise<Section> {
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-orders-'));
  let n = 0;
  const databases: { close(): void }[] = [];
  try {
    await measure('local SQLite', LOCAL_ORDERS, async () => {
      const db = openDatabase(join(dataDir, `ledger-${++n}.sqlite`));
      databases.push(db);
      return new SqliteOrderLedger(db);
    }, rows, notes);
  } finally {
    for (const db of databases) db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const skipped: string[] = [];
  const left: string[] = [];
  for (const start of [dynamoDbLocal, azurite, firestoreEmulator]) {
    let emulator: EmulatedLedger | string;
    try {
      emulator = await start();
    } catch (err) {
      emulator = (err as Error).message.split('\n')[0];
    }
    if (typeof emulator === 'string') {
      skipped.push(`${start.name}: ${emulator}`);
      continue;
    }
    try {
      const outcomes = await measure(`${emulator.name} [emulator]`, EMULATOR_ORDERS, () => emulator.fresh(), rows, notes);
      if (outcomes.some((o) => o.outOfBudget)) left.push(`${emulator.name}: a run ran out of its ${RUN_BUDGET_MS / 1000} s budget; its time per order (table) shows how long each order waited on conflicts.`);
    } finally {
      await emulator.stop();
    }
  }
  const body = [
    `Each order is one line of quantity 1 with a payment-request outbox entry. The local ledger is one process's SQLite file (WAL), as \`npm start\` runs it; better-sqlite3 is synchronous, so its workers interleave between transactions rather than inside them. ${LOCAL_ORDERS} orders per local run, ${EMULATOR_ORDERS} per emulator run. Rows marked [emulator] are emulator figures: they show the adapter's atomic writes and conflict retries at work, not the throughput of the cloud service. A run stops sending new orders after ${RUN_BUDGET_MS / 1000} s (its budget) and then waits for those in flight; "time per order" is each sent order's time in \`placeOrder\`, conflict retries included.`,
    '',
    table(['ledger', 'orders on', 'workers', 'orders', 'orders per second', 'vs 1 worker', 'time per order, median / p99', 'run took', 'check'], rows),
    ...(skipped.length ? ['', `Not measured: ${skipped.join('; ')}`] : []),
    ...(left.length ? ['', left.join('\n\n')] : []),
    ...(notes.length ? ['', 'Failures:', ...notes.map((note) => `- ${note}`)] : []),
  ].join('\n');
  return { title: 'Orders throughput (placeOrder)', command: 'npm run bench:orders-throughput', body };
}

if (require.main === module) {
  void ordersThroughputBenchmark().then((section) => console.log(renderSection(section)));
}
