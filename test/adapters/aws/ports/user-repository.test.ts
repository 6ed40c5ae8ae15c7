import { expect } from 'chai';
import { decodeCursor, encodeCursor } from '../../../../adapters/aws/ports/user-repository';
import { InvalidCursorError } from '../../../../handlers/ports/user-repository';

describe('aws ports: the users cursor', () => {
  it('round-trips the last user id, unicode included', () => {
    for (const id of ['u-1', 'page-ab12-6', 'ünï 照片']) expect(decodeCursor(encodeCursor(id))).to.equal(id);
  });

  it('refuses cursors it did not issue: other prefixes, bad base64, bad JSON, wrong shape', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    for (const cursor of ['', 'u1.', 'x1.' + b64('{"after":"u"}'), 'u1.***', 'u1.' + b64('not json'), 'u1.' + b64('{"after":5}'), 'u1.' + b64('null'), 'u1.' + b64('{"after":""}')]) {
      expect(() => decodeCursor(cursor), JSON.stringify(cursor)).to.throw(InvalidCursorError);
    }
  });
});
