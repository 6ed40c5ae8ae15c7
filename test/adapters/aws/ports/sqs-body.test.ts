import { expect } from 'chai';
import { sqsSafeJson } from '../../../../adapters/aws/ports/sqs-body';

describe('aws ports: SQS-safe JSON bodies', () => {
  it('escapes what SQS or its emulators refuse, and parses back to the same value', () => {
    const value = { note: 'truck 🚚, BOM-like \uFFFE\uFFFF, Grüße 東京', lone: '\uD800' };
    const text = sqsSafeJson(value);
    expect(text).to.not.match(/[\uFFFE\uFFFF]|[\uD800-\uDFFF]/);
    expect(text).to.include('\\ud83d\\ude9a').and.include('\\ufffe').and.include('Grüße 東京');
    expect(JSON.parse(text)).to.deep.equal(value);
  });
});
