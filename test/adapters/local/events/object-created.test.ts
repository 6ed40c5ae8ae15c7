/** The upload notification the local `images` queue carries, to ObjectCreated. */
import { expect } from 'chai';
import { isPermanent } from '../../../../handlers/errors';
import { objectCreatedMessage, toObjectCreated } from '../../../../adapters/local/events/object-created';

describe('local object-created translation', () => {
  it('round-trips a key with spaces, plus signs and unicode without decoding it again', () => {
    const event = { bucket: 'originals', key: 'a+b c/ünï%20.jpg', size: 12, etag: 'e1', eventTime: '2026-01-01T00:00:00.000Z' };
    expect(toObjectCreated(objectCreatedMessage(event))).to.deep.equal(event);
  });

  it('rejects a body that is not an object-created message as permanent', () => {
    for (const body of ['not json', '{"bucket":"originals"}', 'null']) {
      let thrown: unknown;
      try {
        toObjectCreated(body);
      } catch (err) {
        thrown = err;
      }
      expect(isPermanent(thrown), body).to.equal(true);
    }
  });
});
