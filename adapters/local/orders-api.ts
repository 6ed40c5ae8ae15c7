/**
 * `/orders` and `/stock`: the local front door of the orders pipeline. `POST /orders` checks the
 * body with the core's own parser (so a malformed order is refused with its reason instead of
 * dead-lettered later), queues it and answers 202: the function places it asynchronously.
 * An order id already recorded for another order (another fingerprint) is refused at once with
 * 409, the way payment APIs answer an idempotency key reused with other parameters; the same
 * order sent again is queued (the function answers it as a duplicate). An id still in the queue
 * cannot be told apart here: the function then dead-letters the second one with the same reason.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { isPermanent, reasonOf } from '../../handlers/errors';
import { identifierProblem, parseOrder } from '../../handlers/orders';
import { whenNotBusy } from './busy';
import { isReusedId, reusedIdReason } from '../../handlers/orders/fingerprint';
import { localQueues } from './environment';
import { HttpProblem, methodNotAllowed, readJson, sendJson } from './http-kit';
import type { LocalPorts } from './wiring';

export async function handleOrders(req: IncomingMessage, res: ServerResponse, orderId: string | undefined, ports: LocalPorts): Promise<void> {
  const queue = ports.queue(localQueues.orders);
  if (orderId === undefined) {
    if (req.method === 'GET') return sendJson(res, 200, await whenNotBusy(() => ({ orders: ports.ledger.recentOrders().map(view), queued: queue.peek() })));
    if (req.method !== 'POST') throw methodNotAllowed(['GET', 'POST']);
    const body = await readJson(req);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpProblem(400, 'Bad Request', 'the order must be a JSON object');
    // a client may leave the id to us; a client that retries must send its own to be deduplicated
    const order = { order_id: randomUUID(), ...body };
    const text = JSON.stringify(order);
    let parsed;
    try {
      parsed = parseOrder(text, ports.settings.orders);
    } catch (err) {
      if (isPermanent(err)) throw new HttpProblem(400, 'Bad Request', reasonOf(err));
      throw err;
    }
    if (await isReusedId(ports.ledger, parsed)) throw new HttpProblem(409, 'Conflict', reusedIdReason(parsed.order_id));
    await whenNotBusy(() => queue.enqueue(text, { order_id: parsed.order_id }));
    return sendJson(res, 202, { order_id: parsed.order_id, status: 'QUEUED' }, { location: `/orders/${encodeURIComponent(parsed.order_id)}` });
  }
  if (req.method !== 'GET') throw methodNotAllowed(['GET']);
  const record = await ports.ledger.getOrder(orderId);
  if (record) return sendJson(res, 200, view(record));
  if (await whenNotBusy(() => queue.holds('order_id', orderId))) return sendJson(res, 200, { order_id: orderId, status: 'QUEUED' });
  throw new HttpProblem(404, 'Not Found', `no order ${JSON.stringify(orderId)}`);
}

function view(record: Awaited<ReturnType<LocalPorts['ledger']['getOrder']>> & object) {
  return { ...record.order, status: record.status, placed_at: record.placed_at, ...(record.short_lines ? { short_lines: record.short_lines } : {}) };
}

export async function handleStock(req: IncomingMessage, res: ServerResponse, productId: string | undefined, ports: LocalPorts): Promise<void> {
  if (productId === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed(['GET']);
    return sendJson(res, 200, { stock: await whenNotBusy(() => ports.ledger.allStock()) });
  }
  if (req.method === 'GET') {
    const quantity = await ports.ledger.getStock(productId);
    if (quantity === undefined) throw new HttpProblem(404, 'Not Found', `product ${JSON.stringify(productId)} has never been stocked`);
    return sendJson(res, 200, { product_id: productId, quantity });
  }
  if (req.method !== 'PUT') throw methodNotAllowed(['GET', 'PUT']);
  // The order parser's own rule: stock under an id that no order can name could never be sold
  // (and the ids the parser refuses are those the clouds' stores cannot key on).
  const idProblem = identifierProblem(productId);
  if (idProblem !== undefined) throw new HttpProblem(422, 'Unprocessable Content', `product_id ${JSON.stringify(productId)}: ${idProblem}`);
  const body = (await readJson(req)) as { quantity?: unknown } | null;
  const quantity = body?.quantity;
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) {
    throw new HttpProblem(400, 'Bad Request', 'the body must be {"quantity": n} with n a whole number >= 0');
  }
  await ports.ledger.setStock(productId, quantity);
  sendJson(res, 200, { product_id: productId, quantity });
}
