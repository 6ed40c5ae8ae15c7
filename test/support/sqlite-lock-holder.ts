/**
 * A second process that takes SQLite's write lock on a database file at random moments, as the
 * `sqlite3` shell, a backup or another tool would: `BEGIN IMMEDIATE`, hold it for a random
 * while, roll back, wait a random while, again, until it is killed. Each hold is written to
 * stdout (`held <ms>`) so that the test can say how often the lock was taken.
 *
 * Usage: node --import tsx test/support/sqlite-lock-holder.ts <database file> <max hold ms> <max gap ms>
 */
import Database from 'better-sqlite3';

const [file, maxHoldArg = '1500', maxGapArg = '400'] = process.argv.slice(2);
if (!file) throw new Error('usage: sqlite-lock-holder.ts <database file> [max hold ms] [max gap ms]');
const maxHold = Number(maxHoldArg);
const maxGap = Number(maxGapArg);
const db = new Database(file);
// waiting for the lock here is fine: this process has nothing else to do
db.pragma('busy_timeout = 5000');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  for (;;) {
    await sleep(Math.floor(Math.random() * maxGap));
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch {
      continue; // the runtime held it for 5 s: try again
    }
    const hold = 20 + Math.floor(Math.random() * maxHold);
    process.stdout.write(`held ${hold}\n`);
    await sleep(hold);
    db.exec('ROLLBACK');
  }
}

void main();
