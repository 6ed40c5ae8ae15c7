import { expect } from 'chai';
import { PermanentError, isPermanent } from '../../../handlers/errors';
import { MAX_ID_LENGTH, MAX_LINE_QUANTITY } from '../../../handlers/orders/message';
import { parseOrder } from '../../../handlers/orders';
import { eventFixture } from '../../support/fixtures';
import { orderBody, settings } from './harness';

const products = (n: number) => Array.from({ length: n }, (_, i) => ({ product_id: `sku-${i}`, quantity: 1 }));

/** [case, raw body, the field the reason must name, a word the reason must contain] */
const malformed: [string, string, string, RegExp][] = [
  ['not JSON', '{"order_id": ', 'body', /not valid JSON/],
  ['empty body', '', 'body', /not valid JSON/],
  ['an array', JSON.stringify([orderBody()]), 'body', /JSON object/],
  ['null', 'null', 'body', /JSON object/],
  ['a number', '42', 'body', /JSON object/],
  ['no order_id', JSON.stringify(orderBody({ order_id: undefined })), 'order_id', /required/],
  ['empty order_id', JSON.stringify(orderBody({ order_id: '' })), 'order_id', /empty/],
  ['numeric order_id', JSON.stringify(orderBody({ order_id: 17 })), 'order_id', /string/],
  ['order_id too long', JSON.stringify(orderBody({ order_id: 'o'.repeat(MAX_ID_LENGTH + 1) })), 'order_id', /at most 128/],
  ['order_id with a slash', JSON.stringify(orderBody({ order_id: 'a/b' })), 'order_id', /letters, digits/],
  ['order_id "..": a Firestore-reserved id', JSON.stringify(orderBody({ order_id: '..' })), 'order_id', /starting with/],
  ['no user_id', JSON.stringify(orderBody({ user_id: undefined })), 'user_id', /required/],
  ['user_id with a space', JSON.stringify(orderBody({ user_id: 'a b' })), 'user_id', /letters, digits/],
  ['no items', JSON.stringify(orderBody({ items: undefined })), 'items', /required/],
  ['items an object', JSON.stringify(orderBody({ items: { sku: 1 } })), 'items', /array/],
  ['items empty', JSON.stringify(orderBody({ items: [] })), 'items', /empty/],
  ['a line that is a number', JSON.stringify(orderBody({ items: [7] })), 'items[0]', /object/],
  ['a line without product_id', JSON.stringify(orderBody({ items: [{ quantity: 1 }] })), 'items[0].product_id', /required/],
  ['an empty product_id', JSON.stringify(orderBody({ items: [{ product_id: '', quantity: 1 }] })), 'items[0].product_id', /empty/],
  ['a line without quantity', JSON.stringify(orderBody({ items: [{ product_id: 'p' }] })), 'items[0].quantity', /required/],
  ['quantity 0', JSON.stringify(orderBody({ items: [{ product_id: 'p', quantity: 1 }, { product_id: 'q', quantity: 0 }] })), 'items[1].quantity', /at least 1/],
  ['quantity -3', JSON.stringify(orderBody({ items: [{ product_id: 'p', quantity: -3 }] })), 'items[0].quantity', /at least 1/],
  ['quantity 1.5', JSON.stringify(orderBody({ items: [{ product_id: 'p', quantity: 1.5 }] })), 'items[0].quantity', /integer/],
  ['quantity "2"', JSON.stringify(orderBody({ items: [{ product_id: 'p', quantity: '2' }] })), 'items[0].quantity', /number/],
  ['quantity over the ceiling', JSON.stringify(orderBody({ items: [{ product_id: 'p', quantity: MAX_LINE_QUANTITY + 1 }] })), 'items[0].quantity', /at most/],
  ['repeated lines summing over the ceiling', JSON.stringify(orderBody({ items: [{ product_id: 'p', quantity: MAX_LINE_QUANTITY }, { product_id: 'p', quantity: 1 }] })), 'items', /totals 10001/],
  ['26 distinct products', JSON.stringify(orderBody({ items: products(26) })), 'items', /26 distinct products, at most 25/],
  ['no total_amount', JSON.stringify(orderBody({ total_amount: undefined })), 'total_amount', /required/],
  ['negative amount', JSON.stringify(orderBody({ total_amount: -1 })), 'total_amount', /negative/],
  ['fractional amount', JSON.stringify(orderBody({ total_amount: 25.99 })), 'total_amount', /integer/],
  ['amount as a string', JSON.stringify(orderBody({ total_amount: '2599' })), 'total_amount', /number/],
  ['amount past 2^53', JSON.stringify(orderBody({ total_amount: 2 ** 53 })), 'total_amount', /integer/],
  ['no currency', JSON.stringify(orderBody({ currency: undefined })), 'currency', /required/],
  ['a four-letter currency', JSON.stringify(orderBody({ currency: 'EURO' })), 'currency', /three-letter/],
  ['a currency with a digit', JSON.stringify(orderBody({ currency: 'EU1' })), 'currency', /three-letter/],
  ['a numeric currency', JSON.stringify(orderBody({ currency: 978 })), 'currency', /string/],
  // issue 19, defect 7: three letters are not enough
  ['three letters that are no currency', JSON.stringify(orderBody({ currency: 'ABC' })), 'currency', /ISO 4217 currency in use/],
  ['a withdrawn currency (VEF)', JSON.stringify(orderBody({ currency: 'VEF' })), 'currency', /ISO 4217 currency in use/],
  ['a precious metal code (XAU)', JSON.stringify(orderBody({ currency: 'XAU' })), 'currency', /ISO 4217 currency in use/],
];

describe('orders: parseOrder', () => {
  describe('refuses a malformed message with a PermanentError naming the field', () => {
    for (const [name, body, field, detail] of malformed) {
      it(name, () => {
        let caught: unknown;
        try {
          parseOrder(body, settings);
        } catch (err) {
          caught = err;
        }
        expect(caught, 'an error').to.be.instanceOf(PermanentError);
        expect(isPermanent(caught)).to.equal(true);
        const reason = (caught as PermanentError).reason;
        expect(reason.startsWith(`${field}: `), `"${reason}" names ${field}`).to.equal(true);
        expect(reason).to.match(detail);
      });
    }
  });

  it('returns the order it was given when it is valid', () => {
    const body = orderBody({ items: [{ product_id: 'sku-1', quantity: 2 }, { product_id: 'sku-2', quantity: 1 }] });
    expect(parseOrder(JSON.stringify(body), settings)).to.deep.equal(body);
  });

  it('merges a product listed twice, summing its quantities, in first-seen order', () => {
    const items = [
      { product_id: 'b', quantity: 2 },
      { product_id: 'a', quantity: 1 },
      { product_id: 'b', quantity: 3 },
      { product_id: 'a', quantity: 4 },
      { product_id: 'c', quantity: 1 },
    ];
    const order = parseOrder(JSON.stringify(orderBody({ items })), settings);
    expect(order.items).to.deep.equal([
      { product_id: 'b', quantity: 5 },
      { product_id: 'a', quantity: 5 },
      { product_id: 'c', quantity: 1 },
    ]);
  });

  it('counts distinct products after merging: 26 lines of 25 products pass', () => {
    const items = [...products(25), { product_id: 'sku-0', quantity: 2 }];
    const order = parseOrder(JSON.stringify(orderBody({ items })), settings);
    expect(order.items).to.have.length(25);
    expect(order.items[0]).to.deep.equal({ product_id: 'sku-0', quantity: 3 });
  });

  it('takes the product cap from the settings', () => {
    const body = JSON.stringify(orderBody({ items: products(4) }));
    expect(parseOrder(body, settings).items).to.have.length(4);
    expect(() => parseOrder(body, { ...settings, maxDistinctProducts: 3 })).to.throw(PermanentError, /^items: 4 distinct products, at most 3/);
  });

  it('upper-cases a lower-case currency', () => {
    expect(parseOrder(JSON.stringify(orderBody({ currency: 'usd' })), settings).currency).to.equal('USD');
  });

  it('ignores unknown fields and keeps them out of the order', () => {
    const body = orderBody({ coupon: 'SPRING', items: [{ product_id: 'sku-1', quantity: 1, colour: 'red' }] });
    const order = parseOrder(JSON.stringify(body), settings);
    expect(order).to.deep.equal({ order_id: 'ord-1', user_id: 'user-1', items: [{ product_id: 'sku-1', quantity: 1 }], total_amount: 2599, currency: 'EUR' });
  });

  it('accepts the edges: a 128-character id, quantity at the ceiling, a zero total', () => {
    const id = 'A1._:-'.padEnd(MAX_ID_LENGTH, 'x');
    const order = parseOrder(JSON.stringify(orderBody({ order_id: id, total_amount: 0, items: [{ product_id: 'p', quantity: MAX_LINE_QUANTITY }] })), settings);
    expect(order.order_id).to.equal(id);
    expect(order.total_amount).to.equal(0);
    expect(order.items[0].quantity).to.equal(MAX_LINE_QUANTITY);
  });
});

describe('orders: parseOrder on the bodies of a real SQS batch', () => {
  interface SqsEvent {
    Records: { messageId: string; body: string }[];
  }
  // neither body is an order: one is JSON of another shape, one is base64 text
  const expected = ['order_id: is required', 'body: not valid JSON'];

  it('refuses each body with a PermanentError naming the field', () => {
    const event = eventFixture<SqsEvent>('aws', 'sqs-batch-2-records-one-bad-body.json');
    const reasons = event.Records.map((record) => {
      try {
        parseOrder(record.body, settings);
        return 'accepted';
      } catch (err) {
        expect(err).to.be.instanceOf(PermanentError);
        return (err as PermanentError).reason;
      }
    });
    expect(reasons).to.have.length(2);
    reasons.forEach((reason, i) => expect(reason.startsWith(expected[i]), reason).to.equal(true));
  });
});
