import { expect } from 'chai';
import { batchResponse, originalTextOf, queueMessage, type SqsEvent } from '../../../../adapters/aws/events/queue-message';
import { isPermanent, reasonOf } from '../../../../handlers/errors';
import { eventFixture } from '../../../support/fixtures';

describe('aws events: SQS records to QueueMessage', () => {
  it('translates a batch with string attributes and a dead-letter source', () => {
    const event = eventFixture<SqsEvent>('aws', 'sqs-batch-2-records.json');
    expect(event.Records!.map(queueMessage)).to.deep.equal([
      { id: '059f36b4-87a3-44ab-83d2-661975830a7d', body: 'Test message.', attempts: 1, attributes: { testAttr: '100' } },
      { id: '2e1424d4-f796-459a-8184-9c92662be6da', body: '{"message": "foo1"}', attempts: 1 },
    ]);
  });

  it('counts deliveries from ApproximateReceiveCount and leaves binary attributes out', () => {
    const event = eventFixture<SqsEvent>('aws', 'sqs-1-record-message-attributes.json');
    expect(queueMessage(event.Records![0])).to.deep.equal({
      id: 'MessageID_1',
      body: 'Message Body',
      attempts: 2,
      attributes: { Attribute2: '123', Attribute1: 'AttributeValue1' },
    });
  });

  it('keeps bodies exactly as sent, base64-looking text included', () => {
    const event = eventFixture<SqsEvent>('aws', 'sqs-batch-2-records-one-bad-body.json');
    expect(event.Records!.map(queueMessage)).to.deep.equal([
      { id: '059f36b4-87a3-44ab-83d2-661975830a7d', body: '{"Message": "success"}', attempts: 1 },
      { id: '244fc6b4-87a3-44ab-83d2-361172410c3a', body: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==', attempts: 1 },
    ]);
  });

  it('refuses a record that is not an SQS message with a permanent error naming why', () => {
    const good = eventFixture<SqsEvent>('aws', 'sqs-batch-2-records.json').Records![0];
    const cases: [unknown, RegExp][] = [
      [null, /not an object \(null\)/],
      ['text', /not an object \(string\)/],
      [[good], /not an object \(array\)/],
      [{ ...good, messageId: undefined }, /no messageId/],
      [{ ...good, body: undefined }, /has no body/],
      [{ ...good, body: { order_id: 'x' } }, /has no body/],
    ];
    for (const [record, reason] of cases) {
      let thrown: unknown;
      try {
        queueMessage(record);
      } catch (err) {
        thrown = err;
      }
      expect(isPermanent(thrown), JSON.stringify(record)).to.equal(true);
      expect(reasonOf(thrown)).to.match(reason);
    }
  });

  it('keeps a malformed record whole for its dead letter, and tolerates null attribute maps', () => {
    expect(originalTextOf({ messageId: 'm', attributes: null })).to.equal('{"messageId":"m","attributes":null}');
    expect(originalTextOf(null)).to.equal('null');
    expect(originalTextOf(undefined)).to.equal('undefined');
    const good = eventFixture<SqsEvent>('aws', 'sqs-batch-2-records.json').Records![0];
    expect(queueMessage({ ...good, attributes: null, messageAttributes: null })).to.deep.equal({ id: good.messageId, body: good.body, attempts: 1 });
  });

  it('answers in the documented partial-batch shape', () => {
    const documented = eventFixture<{ batchItemFailures: { itemIdentifier: string }[] }>('aws', 'sqs-batch-item-failures-response.json');
    const ids = documented.batchItemFailures.map((f) => f.itemIdentifier);
    expect(batchResponse(ids)).to.deep.equal(documented);
    expect(batchResponse([])).to.deep.equal({ batchItemFailures: [] });
  });
});
