import { expect } from 'chai';
import { jsonLines, pool } from '../../bench/children';

describe('bench children: helpers', () => {
  it('keeps only the JSON object lines of a child’s output', () => {
    const out = 'npm warn something\n{"a":1}\n{not json\n  {"b":2}  \n[1,2]\n';
    expect(jsonLines(out)).to.deep.equal([{ a: 1 }, { b: 2 }]);
  });

  it('runs at most the given number of tasks at once and keeps the results in order', async () => {
    let running = 0;
    let most = 0;
    const results = await pool([30, 10, 20, 5, 15], 2, async (delay) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, delay));
      running--;
      return delay * 2;
    });
    expect(results).to.deep.equal([60, 20, 40, 10, 30]);
    expect(most).to.equal(2);
  });
});
