/**
 * "Refuses to run twice at once": an exclusive lock file per stack and function, created with
 * O_EXCL (`wx`), holding the pid. A lock whose process is gone (a crash) is taken over. It guards
 * one machine, where an operator runs the command; two operators on two machines are not guarded,
 * and a replay that runs twice is still safe (the functions are idempotent), only noisy.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class AlreadyRunning extends Error {}

export function lockPath(stack: string, fn: string, dir = tmpdir()): string {
  return join(dir, `mcf-redrive-${stack.replace(/[^A-Za-z0-9._-]/g, '_')}-${fn}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws AlreadyRunning naming the holder; returns its release. */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new AlreadyRunning(`another redrive (pid ${holder}) is running for this stack and function (${path})`);
      }
      rmSync(path, { force: true }); // its process is gone: a stale lock
    }
  }
  throw new AlreadyRunning(`could not take ${path}`);
}
