/** User names are text: C0 and C1 control characters (NUL, ESC, CR/LF inside, U+0085, ...) are refused. */
import { expect } from 'chai';
import { bodyOf, created, harness } from './harness';

const controls: [string, string][] = [
  ['NUL', 'Ada\u0000Lovelace'],
  ['a line feed inside (a forged log line)', 'Ada\nLovelace'],
  ['a carriage return inside', 'Ada\rLovelace'],
  ['a tab inside', 'Ada\tLovelace'],
  ['ESC (a terminal escape sequence)', '\u001b[31mAda'],
  ['DEL', 'Ada\u007f'],
  ['C1 NEL (U+0085)', 'Ada\u0085Lovelace'],
  ['C1 CSI (U+009B)', 'Ada\u009bLovelace'],
];

describe('users API: names', () => {
  for (const [what, name] of controls) {
    it(`refuses a name with ${what}: 422 on POST, PUT and PATCH, nothing stored`, async () => {
      const h = harness();
      const ada = await created(h, 'Ada', 'ada@example.com');
      const path = `/users/${String(ada.user_id)}`;
      for (const [method, p, json] of [
        ['POST', '/users', { name, email: 'other@example.com' }],
        ['PUT', path, { name, email: 'ada@example.com' }],
        ['PATCH', path, { name }],
      ] as const) {
        const res = await h.call({ method, path: p, json });
        expect(res.status, method).to.equal(422);
        expect(res.headers['content-type']).to.equal('application/problem+json');
        expect(bodyOf(res).errors, method).to.deep.equal([{ field: 'name', message: 'name must not contain control characters' }]);
      }
      expect((await h.repo.list({ limit: 10 })).users).to.have.length(1);
      expect(await h.repo.get(String(ada.user_id))).to.include({ name: 'Ada', version: 1 });
    });
  }

  it('still trims surrounding whitespace (a trailing newline) instead of refusing it', async () => {
    const h = harness();
    expect((await created(h, '  Ada Lovelace\n', 'ada@example.com')).name).to.equal('Ada Lovelace');
  });

  it('accepts letters beyond ASCII, spaces, emoji and format characters that are not controls', async () => {
    const h = harness();
    for (const [i, name] of ['Zoë Ñúñez', 'Łukasz', '李小龙', 'Ada 👩‍💻', 'O\u2019Brien', 'Jean\u00a0Luc'].entries()) {
      expect((await created(h, name, `n${i}@example.com`)).name).to.equal(name);
    }
  });
});
