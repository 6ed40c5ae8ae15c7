/**
 * Parsing a queued order. Every violation is a PermanentError whose reason starts with the
 * field's path (`items[2].quantity: ...`), because a retry of bad input can only fail again:
 * the adapter dead-letters it with that reason.
 *
 * Decisions where the issue is silent:
 * - Unknown fields are ignored (and not carried into the Order): a producer that adds a field
 *   must not send every order to the dead-letter queue. Only the known fields reach the ledger.
 * - `currency` is accepted in lower case and upper-cased (ISO 4217 codes are upper-case).
 * - Identifiers are 1-128 characters of `A-Z a-z 0-9 . _ : -`, starting with a letter or digit:
 *   safe as a DynamoDB key, an Azure PartitionKey/RowKey (which refuse `/ \ # ?` and control
 *   characters) and a Firestore document id (which refuses `/`, `.`, `..` and `__x__`).
 * - A line's quantity is at most MAX_LINE_QUANTITY, checked again after merging repeated lines.
 */
import * as v from 'valibot';
import { PermanentError } from '../errors';
import type { Order, OrderLine } from '../ports/order-ledger';
import type { OrdersSettings } from '../specs';

export const MAX_ID_LENGTH = 128;

/**
 * The ISO 4217 currencies in use, as ICU/CLDR lists them (162 codes on Node 20.20, CLDR 48): no
 * fund or metal codes (XAU, USN), none long withdrawn (VEF, MRO); updated with every Node release,
 * so no copy of the list goes stale here. https://tc39.es/ecma402/#sec-intl.supportedvaluesof
 */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
/** A sane ceiling per product and order; a larger number is a typo or an attack, not a sale. */
export const MAX_LINE_QUANTITY = 10_000;

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

const identifier = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
  v.regex(ID_PATTERN, 'must be letters, digits, ".", "_", ":" or "-", starting with a letter or digit'),
);

/**
 * Why `value` is not an identifier this parser accepts (the same message `parseOrder` gives),
 * or undefined when it is one. For front doors that take an id outside an order (the local
 * `PUT /stock/{id}`): stock stored under an id no order can name could never be sold.
 */
export function identifierProblem(value: unknown): string | undefined {
  const result = v.safeParse(identifier, value);
  return result.success ? undefined : result.issues[0].message;
}

const quantity = v.pipe(
  v.number('must be a number'),
  v.integer('must be an integer'),
  v.minValue(1, 'must be at least 1'),
  v.maxValue(MAX_LINE_QUANTITY, `must be at most ${MAX_LINE_QUANTITY}`),
);

/** valibot reports a missing key through its object's message, with `received` "undefined". */
const objectMessage = (what: string) => (issue: v.BaseIssue<unknown>) =>
  issue.received === 'undefined' ? 'is required' : `must be ${what}`;

const line = v.object({ product_id: identifier, quantity }, objectMessage('an object'));

const orderSchema = v.object(
  {
    order_id: identifier,
    user_id: identifier,
    items: v.pipe(v.array(line, 'must be an array'), v.minLength(1, 'must not be empty')),
    total_amount: v.pipe(
      v.number('must be a number'),
      v.safeInteger('must be an integer in minor units'),
      v.minValue(0, 'must not be negative'),
    ),
    currency: v.pipe(
      v.string('must be a string'),
      v.regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code'),
      v.toUpperCase(),
      v.check((code) => CURRENCIES.has(code), 'must be an ISO 4217 currency in use (such as EUR or USD)'),
    ),
  },
  objectMessage('a JSON object'),
);

/** Parses and validates a message body into an Order (each product once); throws PermanentError. */
export function parseOrder(body: string, settings: OrdersSettings): Order {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new PermanentError(`body: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  // an array would reach valibot's per-field checks and be reported as a missing order_id
  if (Array.isArray(json)) throw new PermanentError('body: must be a JSON object, not an array');
  const parsed = v.safeParse(orderSchema, json, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new PermanentError(`${fieldPath(issue)}: ${issue.message}`);
  }
  const items = mergeLines(parsed.output.items);
  for (const merged of items) {
    if (merged.quantity > MAX_LINE_QUANTITY) {
      throw new PermanentError(`items: product ${merged.product_id} totals ${merged.quantity}, more than ${MAX_LINE_QUANTITY}`);
    }
  }
  if (items.length > settings.maxDistinctProducts) {
    // the one-transaction cap: DynamoDB allows 100 actions per TransactWriteItems, an Azure
    // entity-group transaction 100 entities (see OrdersSettings.maxDistinctProducts)
    throw new PermanentError(
      `items: ${items.length} distinct products, at most ${settings.maxDistinctProducts} per order`,
    );
  }
  return { ...parsed.output, items };
}

/** A product listed twice becomes one line with the quantities summed, in first-seen order. */
export function mergeLines(lines: readonly OrderLine[]): OrderLine[] {
  const merged = new Map<string, number>();
  for (const { product_id, quantity: q } of lines) merged.set(product_id, (merged.get(product_id) ?? 0) + q);
  return [...merged].map(([product_id, q]) => ({ product_id, quantity: q }));
}

/** `items[2].quantity` from a valibot issue; `body` for the top level. */
function fieldPath(issue: v.BaseIssue<unknown>): string {
  let path = '';
  for (const step of issue.path ?? []) {
    const key = step.key;
    path += typeof key === 'number' ? `[${key}]` : path ? `.${String(key)}` : String(key);
  }
  return path || 'body';
}
