/** Pub/Sub deliveries -> QueueMessage: the three forms, from the real fixtures, and what is refused. */
import { expect } from 'chai';
import { isPermanent } from '../../../../handlers/errors';
import { MESSAGE_PUBLISHED, queueMessageFromPush } from '../../../../adapters/gcp/events/queue-message';
import { eventFixture } from '../../../support/fixtures';

const push = () => eventFixture<Record<string, unknown>>('gcp', 'pubsub-message-published-data-text.json');
const structured = () => eventFixture<Record<string, unknown>>('gcp', 'pubsub-message-published.cloudevent-structured.json');

function refusal(request: Parameters<typeof queueMessageFromPush>[0]): string {
  try {
    queueMessageFromPush(request);
  } catch (err) {
    expect(isPermanent(err), 'a permanent failure').to.equal(true);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('GCP queue-message translator', () => {
  it('reads the push envelope fixture: id, base64 data decoded, attributes, 1 attempt when Pub/Sub does not say', () => {
    expect(queueMessageFromPush({ headers: {}, body: push() })).to.deep.equal({
      id: 'message-id',
      body: 'test message 3',
      attempts: 1,
      attributes: { attr1: 'attr1-value' },
    });
  });

  it('reads deliveryAttempt when a dead-letter policy makes Pub/Sub send it', () => {
    expect(queueMessageFromPush({ headers: {}, body: { ...push(), deliveryAttempt: 4 } }).attempts).to.equal(4);
  });

  it('reads the structured CloudEvent fixture and the binary form (ce- headers, envelope as body)', () => {
    const fromStructured = queueMessageFromPush({ headers: { 'content-type': 'application/cloudevents+json' }, body: structured() });
    expect(fromStructured).to.deep.include({ id: 'aaaaaa-1111-bbbb-2222-cccccccccccc', body: 'test message 3' });
    const envelope = (structured() as { data: unknown }).data;
    const fromBinary = queueMessageFromPush({ headers: { 'ce-type': MESSAGE_PUBLISHED, 'ce-specversion': '1.0' }, body: envelope });
    expect(fromBinary).to.deep.equal(fromStructured);
  });

  it('reads a body the framework left as bytes or text', () => {
    const text = JSON.stringify(push());
    expect(queueMessageFromPush({ headers: {}, body: Buffer.from(text) }).body).to.equal('test message 3');
    expect(queueMessageFromPush({ headers: {}, body: text }).body).to.equal('test message 3');
  });

  it('refuses, as permanent, what is not a Pub/Sub delivery', () => {
    expect(refusal({ headers: {}, body: 'not json' })).to.match(/not JSON/);
    expect(refusal({ headers: {}, body: { subscription: 's' } })).to.match(/without a message/);
    expect(refusal({ headers: {}, body: { message: { data: 'eA==' } } })).to.match(/messageId/);
    expect(refusal({ headers: {}, body: { message: { messageId: '1', data: 5 } } })).to.match(/base64/);
    expect(refusal({ headers: { 'ce-type': 'com.example.other' }, body: push() })).to.match(/unexpected event type/);
    expect(refusal({ headers: {}, body: { ...structured(), type: 'com.example.other' } })).to.match(/unexpected event type/);
  });
});
