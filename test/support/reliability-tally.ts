/**
 * The figures of a reliability run (messages processed, duplicates, faults injected, bad inputs
 * tried, what was lost), added up by every scenario and printed once at the end of the run, so
 * that docs/reliability-results.md quotes what a run measured rather than what was intended.
 */
import { writeFileSync } from 'node:fs';

const figures = new Map<string, number>();

/** Adds `n` to the figure `name`, e.g. `tally('duplicates delivered (DynamoDB Local)', 200)`. */
export function tally(name: string, n = 1): void {
  figures.set(name, (figures.get(name) ?? 0) + n);
}

export function tallied(name: string): number {
  return figures.get(name) ?? 0;
}

if (typeof after === 'function') {
  after(() => {
    if (figures.size === 0) return;
    const rows = [...figures].sort(([a], [b]) => a.localeCompare(b));
    console.log(`\n  reliability figures (${process.env.RELIABILITY_SCALE === 'full' ? 'full' : 'CI'} scale)`);
    for (const [name, n] of rows) console.log(`    ${name}: ${n}`);
    // RELIABILITY_FIGURES=<file> keeps them for the results note
    const file = process.env.RELIABILITY_FIGURES;
    if (file) writeFileSync(file, JSON.stringify(Object.fromEntries(rows), null, 2) + '\n');
  });
}
