/**
 * Issue 19, defect 7: email addresses in the forms a mail system accepts (RFC 5321 mailboxes:
 * handlers/users/email.ts), and names without invisible or direction-changing characters.
 */
import { expect } from 'chai';
import { checkEmail } from '../../../handlers/users/email';
import { bodyOf, harness } from './harness';

const accepted: [string, string][] = [
  ["o'brien@b.co", "o'brien@b.co"],
  ['user@xn--bcher-kva.example', 'user@xn--bcher-kva.example'],
  ['user@bücher.example', 'user@xn--bcher-kva.example'],
  ['first.last+tag@sub.example.com', 'first.last+tag@sub.example.com'],
  ["x!#$%&'*+-/=?^_`{|}~y@example.org", "x!#$%&'*+-/=?^_`{|}~y@example.org"],
  [`${'a'.repeat(64)}@example.com`, `${'a'.repeat(64)}@example.com`],
  ['Mixed.Case@Example.COM', 'mixed.case@example.com'],
  ['user@xn--p1ai.xn--p1ai', 'user@xn--p1ai.xn--p1ai'],
];

const refused: [string, string][] = [
  ['a 65-character local part', `${'a'.repeat(65)}@example.com`],
  ['no @', 'user.example.com'],
  ['an empty local part', '@example.com'],
  ['a leading dot', '.user@example.com'],
  ['two dots in a row', 'us..er@example.com'],
  ['a trailing dot before @', 'user.@example.com'],
  ['a quoted local part', '"john doe"@example.com'],
  ['a space', 'john doe@example.com'],
  ['a non-ASCII local part (needs SMTPUTF8)', 'jörg@example.com'],
  ['a single-label domain', 'user@localhost'],
  ['an address literal', 'user@[192.0.2.1]'],
  ['an all-numeric top-level label', 'user@example.123'],
  ['a label starting with a hyphen', 'user@-example.com'],
  ['a 64-character label', `user@${'a'.repeat(64)}.com`],
  ['two @', 'a@b@example.com'],
  ['an address over 254 characters', `user@${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com`],
];

const invisible: [string, string][] = [
  ['U+202E RIGHT-TO-LEFT OVERRIDE', 'Evil\u202Egnp.exe'],
  ['U+200B ZERO WIDTH SPACE', 'Ada\u200BLovelace'],
  ['U+2028 LINE SEPARATOR', 'Ada\u2028Lovelace'],
  ['U+2029 PARAGRAPH SEPARATOR', 'Ada\u2029Lovelace'],
  ['U+2066 LEFT-TO-RIGHT ISOLATE', 'Ada\u2066Lovelace'],
  ['U+FEFF ZERO WIDTH NO-BREAK SPACE', 'Ada\uFEFFLovelace'],
  ['U+00AD SOFT HYPHEN', 'Ada\u00ADLovelace'],
  ['tag characters outside a flag (hidden text)', 'Ada\u{E0041}\u{E0042}'],
];

describe('users API: email addresses (RFC 5321 mailboxes)', () => {
  for (const [input, stored] of accepted) {
    it(`accepts ${input} and stores ${stored}`, async () => {
      expect(checkEmail(input)).to.deep.equal({ ok: true, address: stored });
      const res = await harness().call({ method: 'POST', path: '/users', json: { name: 'A', email: input } });
      expect(res.status, res.body).to.equal(201);
      expect(bodyOf(res).email).to.equal(stored);
    });
  }
  for (const [what, input] of refused) {
    it(`refuses ${what}`, async () => {
      expect(checkEmail(input).ok, input).to.equal(false);
      const res = await harness().call({ method: 'POST', path: '/users', json: { name: 'A', email: input } });
      expect(res.status).to.equal(422);
      expect((bodyOf(res).errors as { field: string }[]).map((e) => e.field)).to.deep.equal(['email']);
    });
  }
});

describe('users API: invisible and direction-changing characters in names', () => {
  for (const [what, name] of invisible) {
    it(`refuses a name with ${what}, on POST and PATCH`, async () => {
      const h = harness();
      const res = await h.call({ method: 'POST', path: '/users', json: { name, email: 'a@example.com' } });
      expect(res.status).to.equal(422);
      expect(bodyOf(res).errors).to.deep.equal([{ field: 'name', message: 'name must not contain invisible formatting characters (such as U+200B or U+202E) or line separators' }]);
      expect((await h.repo.list({ limit: 10 })).users).to.have.length(0);
    });
  }

  it('keeps what is text: a ZWJ emoji sequence, a ZWNJ in Persian, a subdivision flag, accents and scripts', async () => {
    for (const name of ['Dev 👩\u200D💻', 'می\u200Cخواهم', 'Scot \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}', 'Zoë Ångström', '李小龍', 'עברית']) {
      const res = await harness().call({ method: 'POST', path: '/users', json: { name, email: 'a@example.com' } });
      expect(res.status, JSON.stringify(name)).to.equal(201);
      expect(bodyOf(res).name).to.equal(name);
    }
  });
});
