/**
 * A port wrapper that fails chosen calls, to prove that a failure at any step leaves nothing
 * half-applied and that redelivery finishes the work. A fault fires either BEFORE the real call
 * (the store never saw the write) or AFTER it (the write happened but the caller saw a failure,
 * as with a timeout on a committed write): the two cases an at-least-once consumer must survive.
 */
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Inventory } from '../../handlers/ports/inventory';
import type { MessageBus } from '../../handlers/ports/message-bus';
import type { OrderLedger } from '../../handlers/ports/order-ledger';
import { orderBody, RecordingBus, type OrderBody } from './reliability-orders';
import { tally } from './reliability-tally';

export type FaultTiming = 'before' | 'after';

export interface FaultRule {
  /** The port method to fail, e.g. `placeOrder`, `markSent`, `put`. */
  method: string;
  timing: FaultTiming;
  /** Which calls of that method fail (1 = the first call). */
  fails(call: number): boolean;
}

export interface InjectedFault {
  port: string;
  method: string;
  call: number;
  timing: FaultTiming;
}

/** The error an injected fault throws: an outage, not bad input, so the adapter retries it. */
export class InjectedFaultError extends Error {
  constructor(readonly fault: InjectedFault) {
    super(`injected fault: ${fault.port}.${fault.method} call ${fault.call} (${fault.timing})`);
    this.name = 'InjectedFaultError';
  }
}

/** The N-th call only. */
export const nthCall = (n: number) => (call: number) => call === n;
/** Every k-th call (k, 2k, ...). */
export const everyNth = (k: number) => (call: number) => call % k === 0;

export class FaultInjector {
  readonly injected: InjectedFault[] = [];
  private readonly calls = new Map<string, number>();
  /** Off: every call goes through (the "re-run the queue" phase). */
  enabled = true;

  /** A proxy of `target` whose methods named in `rules` fail as the rules say. */
  wrap<T extends object>(portName: string, target: T, rules: FaultRule[]): T {
    return new Proxy(target, {
      get: (obj, prop) => {
        const value: unknown = Reflect.get(obj, prop, obj);
        if (typeof value !== 'function') return value;
        const method = String(prop);
        const mine = rules.filter((r) => r.method === method);
        if (mine.length === 0) return value.bind(obj);
        return async (...args: unknown[]) => {
          const key = `${portName}.${method}`;
          const call = (this.calls.get(key) ?? 0) + 1;
          this.calls.set(key, call);
          const rule = this.enabled ? mine.find((r) => r.fails(call)) : undefined;
          const fail = (timing: FaultTiming) => {
            const fault = { port: portName, method, call, timing };
            this.injected.push(fault);
            throw new InjectedFaultError(fault);
          };
          if (rule?.timing === 'before') fail('before');
          const result: unknown = await (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (rule?.timing === 'after') fail('after');
          return result;
        };
      },
    });
  }

  /** Calls made so far to `port.method`, failed ones included. */
  callsTo(port: string, method: string): number {
    return this.calls.get(`${port}.${method}`) ?? 0;
  }
}

/*
 * Orders through a cloud's orders entry point with faults, on any store: the scenario of
 * faults-aws.test.ts, faults-azure.test.ts and faults-gcp.test.ts, written once. Only the way a
 * platform hands messages over differs (an SQS batch, a storage-queue batch, Pub/Sub pushes), so
 * each test passes its entry point as a `FaultPlatform`; the queue around it (receive counts,
 * redelivery of what failed, the platform's DLQ after its maximum deliveries, a redrive) and every
 * check are here.
 */

/** One delivery of a queued message; `receives` counts this one (SQS ApproximateReceiveCount, Azure dequeueCount, Pub/Sub deliveryAttempt). */
export interface PlatformDelivery {
  id: string;
  body: string;
  receives: number;
}

export interface FaultPlatform {
  /** The entry point and store, e.g. `Lambda orders handler (SQS) on DynamoDB Local`. */
  name: string;
  /** Deliveries before the platform moves a message to its DLQ (maxReceiveCount, maxDequeueCount, maxDeliveryAttempts). */
  maxReceives: number;
  /** Messages handed over at once: an SQS batch, the host's queue batch, push requests in flight. */
  batchSize: number;
  /** The store the orders are placed in (the entry point sees it through a fault-injecting wrapper). */
  ledger: OrderLedger & Inventory;
  /**
   * The entry point over these ports, as a function that delivers one batch and returns the ids
   * the platform delivers again (listed in batchItemFailures, thrown, answered non-2xx).
   */
  entry(ports: { ledger: OrderLedger; bus: MessageBus }): (batch: PlatformDelivery[]) => Promise<string[]>;
  /**
   * Dead letters the adapter wrote itself. Before the last delivery only bad input may land there,
   * never an injected outage; at the last delivery the adapter writes the platform's dead letter
   * itself, with the order's state (issue 20), and those are redriven with the platform's DLQ.
   */
  adapterDeadLetters(): Promise<DeadLetter[]>;
}

/**
 * Faults the cloud scenario injects, by call count of each port method: `placeOrder` before its
 * transaction (the store never saw it) and after it committed (the caller saw a timeout), the
 * payment `send` after stock is reserved but before the request goes out, and `markSent` before
 * its write. The counts are shared by every message, so deliveries fail at different steps.
 */
export const cloudOrderFaults = {
  ledger: [
    { method: 'placeOrder', timing: 'before' as const, fails: everyNth(5) },
    { method: 'placeOrder', timing: 'after' as const, fails: everyNth(3) },
    { method: 'markSent', timing: 'before' as const, fails: everyNth(4) },
  ],
  bus: [{ method: 'send', timing: 'before' as const, fails: everyNth(3) }],
} satisfies Record<string, FaultRule[]>;

/**
 * Nothing half-applied: the stock taken from each product is exactly what the PLACED orders hold
 * (no stock reserved without its order, no order without its stock).
 */
export async function expectNothingHalfApplied(
  ledger: Pick<OrderLedger, 'getOrder'> & Pick<Inventory, 'getStock'>,
  orders: readonly OrderBody[],
  products: readonly string[],
  initialStock: number,
): Promise<void> {
  const taken = new Map<string, number>();
  for (const o of orders) {
    if ((await ledger.getOrder(o.order_id))?.status !== 'PLACED') continue;
    for (const l of o.items) taken.set(l.product_id, (taken.get(l.product_id) ?? 0) + l.quantity);
  }
  for (const p of products) expect(await ledger.getStock(p), `stock of ${p}`).to.equal(initialStock - (taken.get(p) ?? 0));
}

/**
 * `orderCount` orders through `platform` with `cloudOrderFaults`: every order ends placed exactly
 * once or in the platform's DLQ, nothing is half-applied, no injected outage is dead-lettered as
 * bad input, and a redrive of the DLQ with the faults gone places every order with its payment
 * request. Adds its figures to the run's tally.
 */
export async function ordersThroughFaults(platform: FaultPlatform, orderCount: number): Promise<void> {
  const STOCK = 1_000_000;
  const run = randomUUID().slice(0, 8);
  // a few products, so that deliveries in flight contend on stock without queueing on one document
  const products = Array.from({ length: 4 }, (_, i) => `fault-${run}-p${i}`);
  for (const p of products) await platform.ledger.setStock(p, STOCK);
  const orders = Array.from({ length: orderCount }, (_, i) =>
    orderBody(`fault-${run}-o${i}`, [{ product_id: products[i % products.length], quantity: 1 + (i % 3) }]),
  );

  const injector = new FaultInjector();
  const bus = new RecordingBus();
  const deliver = platform.entry({
    ledger: injector.wrap('ledger', platform.ledger, cloudOrderFaults.ledger),
    bus: injector.wrap('bus', bus, cloudOrderFaults.bus),
  });

  let deliveries = 0;
  /** The queue: what waits, with its receive count; returns what the platform moved to its DLQ. */
  const drain = async (waiting: PlatformDelivery[]) => {
    const dlq: PlatformDelivery[] = [];
    while (waiting.length > 0) {
      const batch = waiting.splice(0, platform.batchSize).map((m) => ({ ...m, receives: m.receives + 1 }));
      deliveries += batch.length;
      const again = new Set(await deliver(batch));
      for (const m of batch) if (again.has(m.id)) (m.receives >= platform.maxReceives ? dlq : waiting).push(m);
    }
    return dlq;
  };

  const dlq = await drain(orders.map((o) => ({ id: o.order_id, body: JSON.stringify(o), receives: 0 })));
  expect(injector.injected.length, 'faults injected').to.be.greaterThan(0);
  await expectNothingHalfApplied(platform.ledger, orders, products, STOCK);
  const letters = await platform.adapterDeadLetters();
  expect(letters.filter((l) => l.attempts < platform.maxReceives), 'outages the adapter dead-lettered as bad input').to.deep.equal([]);
  for (const l of letters) {
    // the last delivery's letter: the original message and the order's state
    expect(l.message, l.reason).to.be.a('string');
    expect(l.order?.order_id, l.reason).to.equal(JSON.parse(l.message!).order_id);
    dlq.push({ id: l.order!.order_id, body: l.message!, receives: 0 });
  }
  const injected = injector.injected.length;

  // re-running the queue: the DLQ redriven with the faults gone
  injector.enabled = false;
  const left = await drain(dlq.map((m) => ({ ...m, receives: 0 })));
  expect(left.map((m) => m.id), 'DLQ after the redrive').to.deep.equal([]);
  const paid = bus.paymentsByOrder();
  for (const o of orders) {
    expect((await platform.ledger.getOrder(o.order_id))?.status, o.order_id).to.equal('PLACED');
    expect(await platform.ledger.pendingOutbox(o.order_id), `outbox of ${o.order_id}`).to.deep.equal([]);
    expect(paid.has(o.order_id), `payment request for ${o.order_id}`).to.equal(true);
  }
  expect(paid.size, 'distinct payment requests').to.equal(orders.length);
  await expectNothingHalfApplied(platform.ledger, orders, products, STOCK);

  tally('faults injected', injected);
  tally(`faults: orders (${platform.name})`, orders.length);
  tally(`faults: deliveries, redeliveries and redrive included (${platform.name})`, deliveries);
  tally(`faults: orders left in the platform DLQ by faults, then redriven (${platform.name})`, dlq.length);
  tally('messages processed', orders.length + dlq.length);
  tally('lost (orders without a payment request)', orders.filter((o) => !paid.has(o.order_id)).length);
}
