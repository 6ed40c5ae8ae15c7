/**
 * Copies packages, with everything they need at run time, from an installed node_modules tree
 * into another folder's node_modules, resolving each dependency the way Node does (the nearest
 * node_modules up from the package that depends on it) and keeping nested versions nested.
 * Used to put sharp into the Azure package, and by the package tests to give a bundle ONLY the
 * dependencies its package.json declares, as Cloud Build's `npm install` would.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/**
 * The folder of package `name` as Node resolves it from `fromDir`: `<dir>/node_modules/<name>`
 * for `fromDir` and each parent, up to and including `root`; undefined when none has it.
 */
function locate(name: string, fromDir: string, root: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (resolve(dir) === resolve(root)) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Copies `names` and their run-time closure (dependencies, installed optional dependencies,
 * required peers) from `root`/node_modules into `target`/node_modules. Returns the package folders
 * copied, relative to `root`. Throws when a required dependency is not installed under `root`.
 */
export function copyDependencyClosure(names: readonly string[], root: string, target: string): string[] {
  const copied = new Set<string>();
  const queue: { name: string; from: string; optional: boolean }[] = names.map((name) => ({ name, from: root, optional: false }));
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift()!;
    const dir = locate(name, from, root);
    if (!dir) {
      if (optional) continue;
      throw new Error(`${name} (needed from ${relative(root, from) || '.'}) is not installed under ${root}`);
    }
    const rel = relative(root, dir);
    if (copied.has(rel)) continue;
    copied.add(rel);
    const manifest = manifestOf(dir);
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
    // Platform packages (sharp's @img/*) are optional: only the installed ones come along.
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true });
    for (const dep of Object.keys(manifest.peerDependencies ?? {})) {
      queue.push({ name: dep, from: dir, optional: manifest.peerDependenciesMeta?.[dep]?.optional === true });
    }
  }
  for (const rel of copied) {
    // Each package's own files; its nested node_modules come one package at a time, above.
    const from = join(root, rel);
    const nested = join(from, 'node_modules') + sep;
    cpSync(from, join(target, rel), { recursive: true, filter: (src) => !(src + sep).startsWith(nested) });
  }
  return [...copied].sort();
}
