/**
 * The local runtime's URL-signing key: 32 random bytes in `<dataDir>/signing.key`, created on
 * first start with mode 0600 and kept, so that URLs signed before a restart still verify after it
 * (as a cloud's do). Anyone who can read the data directory can sign: it is this machine's key.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNING_KEY_FILE = 'signing.key';
const KEY_BYTES = 32;

export function loadSigningKey(dataDir: string): Buffer {
  const file = join(dataDir, SIGNING_KEY_FILE);
  try {
    // `wx`: two processes starting at once over one directory keep the first one's key.
    writeFileSync(file, randomBytes(KEY_BYTES).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length !== KEY_BYTES) throw new Error(`${file} does not hold a ${KEY_BYTES}-byte hex key; delete it to make a new one`);
  return key;
}
