import { expect } from 'chai';
import { bytes, median, ms, msDelta, percentile, ratio, renderSection, summarise, table } from '../../bench/report';

describe('bench report: statistics', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i); // deliberately unsorted

  it('takes the middle sample of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([9, 1, 5])).to.equal(5);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
  });

  it('gives the nearest-rank p99: an observed sample, the 99th of 100 and the 990th of 1000', () => {
    expect(percentile(oneToHundred, 99)).to.equal(99);
    expect(percentile(Array.from({ length: 1000 }, (_, i) => i + 1), 99)).to.equal(990);
    expect(percentile([7], 99)).to.equal(7);
    expect(percentile(oneToHundred, 100)).to.equal(100);
  });

  it('leaves the caller’s samples in their order', () => {
    const samples = [3, 1, 2];
    summarise(samples);
    expect(samples).to.deep.equal([3, 1, 2]);
  });

  it('summarises count, median, p99, min and max together', () => {
    expect(summarise(oneToHundred)).to.deep.equal({ count: 100, median: 50.5, p99: 99, min: 1, max: 100 });
  });

  it('refuses no samples, a non-finite sample and a percentile out of range instead of printing nonsense', () => {
    expect(() => median([])).to.throw('no samples');
    expect(() => median([1, NaN])).to.throw('not a finite sample');
    expect(() => percentile([1], 0)).to.throw('out of range');
    expect(() => percentile([1], 101)).to.throw('out of range');
  });
});

describe('bench report: formatting', () => {
  it('shows a ratio to two decimals and n/a against zero or a missing figure', () => {
    expect(ratio(3, 2)).to.equal('1.50x');
    expect(ratio(1, 0)).to.equal('n/a');
    expect(ratio(NaN, 2)).to.equal('n/a');
  });

  it('scales milliseconds and bytes to readable units', () => {
    expect(ms(0.01234)).to.equal('0.012 ms');
    expect(ms(4.314)).to.equal('4.31 ms');
    expect(ms(812.4)).to.equal('812 ms');
    expect(msDelta(-12.4)).to.equal('-12.40 ms');
    expect(msDelta(3)).to.equal('+3.00 ms');
    expect(bytes(512)).to.equal('512 B');
    expect(bytes(700 * 1024)).to.equal('700.0 KiB');
    expect(bytes(5.5 * 1024 * 1024)).to.equal('5.5 MiB');
  });

  it('writes a Markdown table whose cells cannot break the row', () => {
    const md = table(['a', 'b'], [['x|y', 'line\nbreak']]);
    expect(md.split('\n')).to.deep.equal(['| a | b |', '|---|---|', '| x\\|y | line break |']);
  });

  it('refuses a row with the wrong number of cells', () => {
    expect(() => table(['a', 'b'], [['only one']])).to.throw('1 cells, the table 2 columns');
  });

  it('renders a section with its title and the command that reproduces it', () => {
    const md = renderSection({ title: 'Cold start', command: 'npm run bench:cold-start', body: 'table\n' });
    expect(md).to.equal('## Cold start\n\nCommand: `npm run bench:cold-start`\n\ntable\n');
  });
});
