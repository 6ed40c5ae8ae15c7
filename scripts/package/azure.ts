/**
 * The Azure Functions Flex Consumption package: ONE function app hosting images, users and
 * orders, built into dist/azure/app/ and zipped to dist/azure/functions.zip:
 *   host.json      extension bundle, queue settings (pinned encoding), empty route prefix
 *   package.json   `main: "main.js"` (the v4 model finds functions by running main)
 *   main.js        the entry, adapters/azure/index.ts: registers the three functions' triggers
 *   functions/     one bundle per function (images.js, users.js, orders.js), each with its SDKs,
 *                  required by main.js on that function's first invocation
 *   node_modules/  sharp with its linux-x64 glibc binaries, the only code not bundled
 * All bundles target Node 20 and 22. One bundle for the app made V8 compile every function's
 * code and SDKs on every cold start, whichever function the instance was started for
 * (adapters/azure/triggers.ts says why an instance mostly serves one).
 * Flex Consumption runs Linux x64 only and deploys the zip through One Deploy
 * (https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#deploy-your-code-project);
 * with remote build off, the zip must already carry node_modules.
 * `@azure/functions-core` stays external: the Node.js worker provides it at run time.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import JSZip from 'jszip';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { FunctionName } from '../../handlers/specs';
import { assertExternalsSatisfied, externalPackages, isRelative } from './externals';
import { copyDependencyClosure } from './node-modules';
import { measureDirectory, type PackageReport } from './report';

const repoRoot = resolve(__dirname, '..', '..');

/** The module the Functions Node.js worker provides to the app at run time. */
export const AZURE_WORKER_PROVIDED = '@azure/functions-core';

/** Packages left out of the bundle and carried in the package's node_modules (and package.json). */
export const AZURE_CARRIED: readonly string[] = ['sharp'];

/** The platform packages sharp loads on Flex Consumption (Linux, x64, glibc). */
const SHARP_NATIVE = ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64'];

/** The functions the app hosts, each built into functions/<name>.js from adapters/azure/<name>.ts. */
export const AZURE_FUNCTIONS: readonly FunctionName[] = ['images', 'users', 'orders'];

/** Where main.js finds a function's bundle, relative to itself. */
export const functionBundle = (fn: FunctionName) => `./functions/${fn}.js`;

/**
 * The entry's `require('./users')` (and the other two) left as requires of the function's own
 * bundle, instead of bundling the function into main.js.
 */
const functionsApart: Plugin = {
  name: 'functions-apart',
  setup(b) {
    const entry = join(repoRoot, 'adapters', 'azure', 'index.ts');
    const names = new RegExp(`^\\./(${AZURE_FUNCTIONS.join('|')})$`);
    b.onResolve({ filter: names }, (args) => {
      if (args.importer !== entry) return undefined;
      return { path: functionBundle(args.path.slice(2) as FunctionName), external: true };
    });
  },
};

/**
 * SDKs in a file of their own (functions/sdk/<name>.js), required only where a function reaches
 * them: orders loads Storage Blob only for a dead letter too large for its poison queue, so its
 * bundle leaves it out and its cold start does not compile it (images loads the same file at once).
 */
export const SDKS_APART: readonly string[] = ['@azure/storage-blob'];
const sdkBundle = (name: string) => `./sdk/${name.replace(/^@azure\//, '')}.js`;

/** The entry of an SDK's own file: `sdk:@azure/storage-blob` is the SDK, re-exported whole. */
const sdkEntries: Plugin = {
  name: 'sdk-entries',
  setup(b) {
    b.onResolve({ filter: /^sdk:/ }, (args) => ({ path: args.path.slice(4), namespace: 'sdk-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'sdk-entry' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, resolveDir: repoRoot, loader: 'js', pluginData: 'sdk' }));
  },
};

const sdksApart: Plugin = {
  name: 'sdks-apart',
  setup(b) {
    const names = new RegExp(`^(${SDKS_APART.map((n) => n.replace('/', '\\/')).join('|')})$`);
    // From a function's bundle in functions/: the SDK's file is in functions/sdk/.
    b.onResolve({ filter: names }, (args) => (args.pluginData === 'sdk' ? undefined : { path: sdkBundle(args.path), external: true }));
  },
};

/** The package's own files an output requires (`./functions/users.js`), from esbuild's metafile. */
function relativeRequires(metafile: Metafile, outfile: string): string[] {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(path) === resolve(outfile));
  return (output?.[1].imports ?? []).filter((i) => i.external && isRelative(i.path)).map((i) => i.path);
}

export interface AzurePackageOptions {
  /** Where `azure/` goes; dist/ by default. */
  outDir?: string;
}

export interface AzurePackage {
  appDir: string;
  zipPath: string;
  zipBytes: number;
  /** The packages the bundles require at run time (Node built-ins aside), from esbuild's metafile. */
  externals: string[];
  /** The bundles, relative to appDir: main.js first. */
  bundles: string[];
  report: PackageReport;
}

const packageJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
};

/** sharp for linux-x64 glibc: copied when this machine has it, else installed by npm for that platform. */
function addSharp(appDir: string): void {
  const version = packageJson(join(repoRoot, 'node_modules', 'sharp')).version;
  const wanted = (packageJson(join(repoRoot, 'node_modules', 'sharp')) as { optionalDependencies?: Record<string, string> }).optionalDependencies ?? {};
  const sameVersion = SHARP_NATIVE.every((n) =>
    existsSync(join(repoRoot, 'node_modules', n, 'package.json')) && packageJson(join(repoRoot, 'node_modules', n)).version === wanted[n]);
  if (sameVersion) {
    try {
      copyDependencyClosure(['sharp', ...SHARP_NATIVE], repoRoot, appDir);
      return;
    } catch {
      // A dependency is missing here: let npm install the lot for the target platform.
    }
  }
  rmSync(join(appDir, 'node_modules'), { recursive: true, force: true });
  execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--omit=dev', '--os=linux', '--cpu=x64', '--libc=glibc', `sharp@${version}`], {
    cwd: appDir,
    stdio: 'inherit',
  });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

async function zipDirectory(dir: string, zipPath: string): Promise<number> {
  const zip = new JSZip();
  for (const file of listFiles(dir).sort()) {
    // Keep the mode: sharp's native library must stay readable (and executables executable).
    zip.file(relative(dir, file).split('\\').join('/'), readFileSync(file), { unixPermissions: statSync(file).mode, date: new Date('2026-01-01T00:00:00Z') });
  }
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'UNIX' });
  writeFileSync(zipPath, bytes);
  return bytes.length;
}

export async function buildAzurePackage(options: AzurePackageOptions = {}): Promise<AzurePackage> {
  const root = join(options.outDir ?? join(repoRoot, 'dist'), 'azure');
  const appDir = join(root, 'app');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  const entryPoints = [
    { in: join(repoRoot, 'adapters', 'azure', 'index.ts'), out: 'main' },
    ...AZURE_FUNCTIONS.map((fn) => ({ in: join(repoRoot, 'adapters', 'azure', `${fn}.ts`), out: functionBundle(fn).slice(2, -3) })),
    ...SDKS_APART.map((name) => ({ in: `sdk:${name}`, out: `functions/${sdkBundle(name).slice(2, -3)}` })),
  ];
  const result = await build({
    entryPoints,
    outdir: appDir,
    metafile: true,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    external: [AZURE_WORKER_PROVIDED, ...AZURE_CARRIED],
    plugins: [functionsApart, sdksApart, sdkEntries],
    // Some dependencies ship ESM that calls createRequire(import.meta.url), undefined in a CJS
    // bundle: give it this file's URL.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
  const bundles = entryPoints.map((e) => `${e.out}.js`);
  // The app's package gives the bundles only what it carries and what the worker provides.
  const externals = [...new Set(bundles.flatMap((b) => externalPackages(result.metafile, join(appDir, b))))].sort();
  assertExternalsSatisfied({ label: 'azure/app', externals, declared: AZURE_CARRIED, provided: [AZURE_WORKER_PROVIDED] });
  // And the files they require of each other: main.js the three function bundles, these the SDKs
  // apart; nothing else.
  const files = [...new Set(bundles.flatMap((b) => relativeRequires(result.metafile, join(appDir, b)).map((r) => join(dirname(join(appDir, b)), r))))];
  const expected = [...AZURE_FUNCTIONS.map((fn) => join(appDir, functionBundle(fn))), ...SDKS_APART.map((name) => join(appDir, 'functions', sdkBundle(name)))];
  if (JSON.stringify([...files].sort()) !== JSON.stringify([...expected].sort())) {
    throw new Error(`azure/app: the bundles require ${files.map((f) => relative(appDir, f)).join(', ') || 'no file'} of the package, expected ${expected.map((f) => relative(appDir, f)).join(', ')}`);
  }
  // The maps stay beside the package, not in it: 5x the bundles' size, and read only by people.
  mkdirSync(join(root, 'maps', 'functions', 'sdk'), { recursive: true });
  for (const b of bundles) renameSync(join(appDir, `${b}.map`), join(root, 'maps', `${b}.map`));
  cpSync(join(repoRoot, 'adapters', 'azure', 'host.json'), join(appDir, 'host.json'));
  const sharpVersion = packageJson(join(repoRoot, 'node_modules', 'sharp')).version;
  const manifest = {
    name: 'multicloud-functions-azure',
    version: '1.0.0',
    private: true,
    main: 'main.js',
    dependencies: Object.fromEntries(AZURE_CARRIED.map((name) => [name, name === 'sharp' ? sharpVersion : packageJson(join(repoRoot, 'node_modules', name)).version])),
  };
  writeFileSync(join(appDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  addSharp(appDir);
  const zipPath = join(root, 'functions.zip');
  const zipBytes = await zipDirectory(appDir, zipPath);
  return { appDir, zipPath, zipBytes, externals, bundles, report: { cloud: 'azure', fn: 'app', dir: appDir, ...measureDirectory(appDir), externals } };
}

/** The packager index.ts calls: one report for the app, one for its zip. */
export async function packageAzure(options: AzurePackageOptions = {}): Promise<PackageReport[]> {
  const pkg = await buildAzurePackage(options);
  return [pkg.report, { cloud: 'azure', fn: 'functions.zip', dir: pkg.zipPath, bytes: pkg.zipBytes, files: 1 }];
}
