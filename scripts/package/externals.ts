/**
 * What a bundle still `require`s at run time, and the check that its package can satisfy it.
 *
 * esbuild leaves every package marked external as a `require` in the output; at cold start the
 * runtime resolves it from the package's node_modules (or from what the platform itself
 * provides). A package that is external but neither declared nor provided is a MODULE_NOT_FOUND
 * on the first cold start in the cloud, and a test that runs the bundle against this checkout's
 * node_modules never sees it. So each packager reads the externals of its output from esbuild's
 * metafile (what survived tree shaking, not what was merely listed as external) and refuses to
 * build a package that does not cover them.
 */
import { build, type Metafile } from 'esbuild';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';

/**
 * Packages some dependency requires inside a try/catch, as an optional extra: their absence is
 * handled where they are required, so a package need not carry them. Each entry says who and why.
 */
export const OPTIONAL_REQUIRES: Readonly<Record<string, string>> = {
  // node-fetch 2 (under gaxios / the Google auth library): `try { require('encoding') } catch {}`,
  // used only to convert non-UTF-8 response bodies, which the Google APIs do not send.
  encoding: 'node-fetch 2 requires it inside try/catch for non-UTF-8 bodies',
};

const builtins = new Set(builtinModules);

/** `@scope/name/sub/path` -> `@scope/name`; `name/sub` -> `name`. */
export function packageNameOf(importPath: string): string {
  const parts = importPath.split('/');
  return importPath.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** A file of the package itself (`./functions/users.js`), not a package: the packager checks those. */
export function isRelative(importPath: string): boolean {
  return importPath.startsWith('./') || importPath.startsWith('../');
}

function isBuiltin(importPath: string): boolean {
  return importPath.startsWith('node:') || builtins.has(importPath) || builtins.has(packageNameOf(importPath));
}

/**
 * The packages (not Node built-ins) that the output `outfile` requires, sorted. The metafile names
 * outputs relative to esbuild's working directory (`absWorkingDir`, default the process's).
 */
export function externalPackages(metafile: Metafile, outfile: string, workingDir: string = process.cwd()): string[] {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(workingDir, path) === resolve(outfile));
  if (!output) throw new Error(`no output ${outfile} in the esbuild metafile`);
  const names = output[1].imports.filter((i) => i.external && !isBuiltin(i.path) && !isRelative(i.path)).map((i) => packageNameOf(i.path));
  return [...new Set(names)].sort();
}

export interface ExternalsCheck {
  /** The package being checked, for the message: `gcp/images`. */
  label: string;
  /** What the bundle requires (from `externalPackages`). */
  externals: readonly string[];
  /** What the package declares in its package.json (and so gets installed or carries). */
  declared: readonly string[];
  /** What the platform provides at run time (a prefix ending in `/` covers a scope). */
  provided?: readonly string[];
}

/** The externals nothing satisfies: not declared, not provided, not optional. */
export function unsatisfiedExternals({ externals, declared, provided = [] }: ExternalsCheck): string[] {
  return externals.filter(
    (name) =>
      !declared.includes(name) &&
      !(name in OPTIONAL_REQUIRES) &&
      !provided.some((p) => (p.endsWith('/') ? name.startsWith(p) : name === p)),
  );
}

/** Throws, naming them, when the bundle requires packages its package will not have. */
export function assertExternalsSatisfied(check: ExternalsCheck): void {
  const missing = unsatisfiedExternals(check);
  if (missing.length > 0) {
    throw new Error(
      `${check.label}: the bundle requires ${missing.join(', ')} at run time, but its package does not declare ` +
        `${missing.length === 1 ? 'it' : 'them'} (declared: ${check.declared.join(', ') || 'nothing'}); ` +
        'the function would fail its cold start with MODULE_NOT_FOUND. Import SDK values lazily, or declare the package.',
    );
  }
}

/**
 * The packages the SHIPPED bundle `require`s, Node built-ins aside: a second opinion on
 * `externalPackages` for the package tests, read by parsing the output file itself (with esbuild,
 * so a `require("x")` quoted inside an error message is not taken for a call) instead of trusting
 * the metafile of the build that produced it.
 */
export async function bundleRequires(file: string): Promise<string[]> {
  const result = await build({ entryPoints: [file], bundle: true, write: false, metafile: true, platform: 'node', packages: 'external', logLevel: 'silent' });
  const names = Object.values(result.metafile.inputs)
    .flatMap((input) => input.imports)
    .filter((i) => i.external && !isBuiltin(i.path) && !isRelative(i.path))
    .map((i) => packageNameOf(i.path));
  return [...new Set(names)].sort();
}
