/**
 * The Azure Functions Flex Consumption package: ONE function app hosting images, users and
 * orders, built into dist/azure/app/ and zipped to dist/azure/functions.zip:
 *   host.json      extension bundle, queue settings (pinned encoding), empty route prefix
 *   package.json   `main: "main.js"` (the v4 model finds functions by running main)
 *   main.js        one esbuild bundle of adapters/azure/index.ts for Node 20 and 22
 *   node_modules/  sharp with its linux-x64 glibc binaries, the only code not bundled
 * Flex Consumption runs Linux x64 only and deploys the zip through One Deploy
 * (https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#deploy-your-code-project);
 * with remote build off, the zip must already carry node_modules.
 * `@azure/functions-core` stays external: the Node.js worker provides it at run time.
 */
import { build } from 'esbuild';
import JSZip from 'jszip';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { assertExternalsSatisfied, externalPackages } from './externals';
import { copyDependencyClosure } from './node-modules';
import { measureDirectory, type PackageReport } from './report';

const repoRoot = resolve(__dirname, '..', '..');

/** The module the Functions Node.js worker provides to the app at run time. */
export const AZURE_WORKER_PROVIDED = '@azure/functions-core';

/** Packages left out of the bundle and carried in the package's node_modules (and package.json). */
export const AZURE_CARRIED: readonly string[] = ['sharp'];

/** The platform packages sharp loads on Flex Consumption (Linux, x64, glibc). */
const SHARP_NATIVE = ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64'];

export interface AzurePackageOptions {
  /** Where `azure/` goes; dist/ by default. */
  outDir?: string;
}

export interface AzurePackage {
  appDir: string;
  zipPath: string;
  zipBytes: number;
  /** The packages main.js requires at run time (Node built-ins aside), from esbuild's metafile. */
  externals: string[];
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
  const outfile = join(appDir, 'main.js');
  const result = await build({
    entryPoints: [join(repoRoot, 'adapters', 'azure', 'index.ts')],
    outfile,
    metafile: true,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    external: [AZURE_WORKER_PROVIDED, ...AZURE_CARRIED],
    // Some dependencies ship ESM that calls createRequire(import.meta.url), undefined in a CJS
    // bundle: give it this file's URL.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
  // The app's package gives the bundle only what it carries and what the worker provides.
  const externals = externalPackages(result.metafile, outfile);
  assertExternalsSatisfied({ label: 'azure/app', externals, declared: AZURE_CARRIED, provided: [AZURE_WORKER_PROVIDED] });
  // The map stays beside the package, not in it: 5x the bundle's size, and read only by people.
  renameSync(join(appDir, 'main.js.map'), join(root, 'main.js.map'));
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
  return { appDir, zipPath, zipBytes, externals, report: { cloud: 'azure', fn: 'app', dir: appDir, ...measureDirectory(appDir), externals } };
}

/** The packager index.ts calls: one report for the app, one for its zip. */
export async function packageAzure(options: AzurePackageOptions = {}): Promise<PackageReport[]> {
  const pkg = await buildAzurePackage(options);
  return [pkg.report, { cloud: 'azure', fn: 'functions.zip', dir: pkg.zipPath, bytes: pkg.zipBytes, files: 1 }];
}
