import { expect } from 'chai';
import { batchResponse, queueMessage, type SqsEvent } from '../../../../adapters/aws/events/queue-message';
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

  it('answers in the documented partial-batch shape', () => {
    const documented = eventFixture<{ batchItemFailures: { itemIdentifier: string }[] }>('aws', 'sqs-batch-item-failures-response.json');
    const ids = documented.batchItemFailures.map((f) => f.itemIdentifier);
    expect(batchResponse(ids)).to.deep.equal(documented);
    expect(batchResponse([])).to.deep.equal({ batchItemFailures: [] });
  });
});
