/**
 * The temporary files a put writes before renaming them over the object's file. A `kill -9`
 * between the write and the rename leaves one behind, and nothing else would ever remove it, so
 * each start removes those whose writer is gone.
 *
 * A temporary is named `.tmp-<pid>-<uuid>` after the process writing it: a temporary of a process
 * that is still running (a second runtime on the same data directory, however unwise) is left
 * alone. Names without a pid come from versions before this one and are always stale.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = '.tmp-';

export function temporaryName(): string {
  return `${PREFIX}${process.pid}-${randomUUID()}`;
}

/** Removes the stale temporaries of every bucket folder under `root`; returns what it removed. */
export function removeStaleTemporaries(root: string): { files: number; bytes: number } {
  const removed = { files: 0, bytes: 0 };
  let buckets: string[];
  try {
    buckets = readdirSync(root);
  } catch {
    return removed; // no bucket written yet
  }
  for (const bucket of buckets) {
    let names: string[];
    try {
      names = readdirSync(join(root, bucket));
    } catch {
      continue; // not a folder
    }
    for (const name of names) {
      if (!name.startsWith(PREFIX) || writerIsAlive(name)) continue;
      const path = join(root, bucket, name);
      try {
        const { size } = statSync(path);
        rmSync(path, { force: true });
        removed.files++;
        removed.bytes += size;
      } catch {
        // removed by someone else meanwhile
      }
    }
  }
  return removed;
}

/**
 * Called at start only, so a temporary named after this very pid is a leftover of an earlier
 * process that had the same pid (in a container the runtime is often pid 1 on every start).
 */
function writerIsAlive(name: string): boolean {
  const pid = Number(/^\.tmp-(\d+)-/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return true;
  } catch {
    // EPERM: the pid exists but is another user's process, so not a runtime writing here
    return false;
  }
}
