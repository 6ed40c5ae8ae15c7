/**
 * The local runtime: every dead letter of one function in the data directory's database, through
 * the same `redriveDeadLetter` as `POST /dead-letters/{id}/redrive` (one transaction each). The
 * running `npm start` picks them up from its queues; a stopped one, on its next start.
 */
import { redriveDeadLetter } from '../../adapters/local/redrive';
import type { LocalPorts } from '../../adapters/local/wiring';
import { contentOf, describe, type Moved, type RedriveOptions } from './letters';

export async function redriveLocal(ports: LocalPorts, fn: 'orders' | 'images', options: RedriveOptions): Promise<Moved[]> {
  const report: Moved[] = [];
  const letters = ports.deadLetters.entries(100_000).filter((e) => e.letter.function === fn).reverse(); // oldest first
  for (const { id, letter } of letters.slice(0, options.limit)) {
    const content = contentOf(JSON.stringify(letter));
    const line = describe(String(id), content, options.dryRun ? 'would move' : 'moved');
    if (!options.dryRun) {
      try {
        await redriveDeadLetter(ports, id);
      } catch (err) {
        line.action = `skipped: ${(err as Error).message}`;
      }
    }
    report.push(line);
  }
  return report;
}
