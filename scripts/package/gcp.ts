/**
 * The Cloud Functions 2nd gen source uploads: one per function, built into dist/gcp/<function>/
 * and zipped to dist/gcp/<function>.zip, with dist/gcp/manifest.json naming each zip by its
 * content hash:
 *   index.js       one esbuild bundle of adapters/gcp/<function>.ts (registers its target)
 *   sdk/<name>.js  a Google SDK the function requires only on some invocations, in a file of its
 *                  own (users: Cloud Storage, for the image routes; see SDKS_APART)
 *   package.json   `main: "index.js"`; dependencies: the Functions Framework, and sharp for images
 * Cloud Build installs the dependencies on Linux (so sharp gets its linux-x64 binaries) and the
 * runtime starts the framework with the function's entry point as target
 * (https://cloud.google.com/functions/docs/writing#directory-structure-nodejs).
 * The framework stays external: the runtime loads it from node_modules, and the bundle must
 * register its target in THAT copy's registry, not in a bundled second copy.
 * A 2nd gen function is rebuilt only when its source object changes name, so the object is named
 * by the zip's hash (the manifest's `objectName`).
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import JSZip from 'jszip';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FunctionName } from '../../handlers/specs';
import { assertExternalsSatisfied, externalPackages } from './externals';
import { measureDirectory, type PackageReport } from './report';

const repoRoot = resolve(__dirname, '..', '..');
export const GCP_FUNCTIONS: readonly FunctionName[] = ['images', 'users', 'orders'];

/** Packages the runtime installs instead of the bundle carrying them. */
const EXTERNAL: Record<FunctionName, readonly string[]> = {
  images: ['@google-cloud/functions-framework', 'sharp'],
  users: ['@google-cloud/functions-framework'],
  orders: ['@google-cloud/functions-framework'],
};

/**
 * Google SDKs a function never uses. The wiring requires each SDK on first use, so leaving these
 * out of the bundle (external, and not installed) costs nothing at run time and saves parsing
 * them on every cold start: compiling the 4 MB bundle with all three took ~0.6 s of a 1.4 s load.
 * This holds only while no code the function reaches requires them (adapters/gcp/sdk.ts): the
 * build checks that the bundle's remaining `require`s are all declared (./externals.ts), since an
 * undeclared one is a MODULE_NOT_FOUND at the function's first cold start.
 */
const UNUSED_SDKS: Record<FunctionName, readonly string[]> = {
  images: ['@google-cloud/firestore'],
  // users signs Cloud Storage URLs (adapters/gcp/ports/object-urls.ts) from sdk/storage.js (SDKS_APART)
  users: ['@google-cloud/pubsub'],
  orders: ['@google-cloud/storage'],
};

/**
 * SDKs a function requires only on some invocations, each bundled into sdk/<name>.js beside
 * index.js and required from there on first use (adapters/gcp/sdk.ts): index.js then holds no
 * copy, which V8 would parse on every cold start although its code runs only when required.
 * users needs Cloud Storage for its image routes only; measured here, the Storage SDK (with
 * tr46, fast-xml-parser, mime...) was 780 KB of the 3.2 MB users index.js and +40 ms of its load
 * (176.7 against 136.7 ms after bare Node, median of 15 interleaved runs).
 */
export const SDKS_APART: Record<FunctionName, readonly string[]> = { images: [], users: ['@google-cloud/storage'], orders: [] };
/** Where a function's bundle finds an SDK kept apart, relative to index.js. */
export const sdkFile = (name: string) => `sdk/${name.replace(/^@google-cloud\//, '')}.js`;

/** A kept-apart SDK, as index.js requires it: `require('./sdk/storage.js')`. */
function sdksApart(names: readonly string[]): Plugin {
  return {
    name: 'sdks-apart',
    setup(b) {
      for (const name of names) {
        b.onResolve({ filter: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`) }, () => ({ path: `./${sdkFile(name)}`, external: true }));
      }
    },
  };
}

export interface GcpPackage {
  fn: FunctionName;
  dir: string;
  zipPath: string;
  zipBytes: number;
  sha256: string;
  /** The packages its files (index.js and sdk/*.js) require at run time (Node built-ins aside), from esbuild's metafiles. */
  externals: string[];
  /** The package.json `dependencies`: what Cloud Build installs beside the bundle. */
  dependencies: Record<string, string>;
  /** The name to upload the zip under: a new name for new content, so the function redeploys. */
  objectName: string;
  report: PackageReport;
}

export interface GcpPackageOptions {
  /** Where `gcp/` goes; dist/ by default. */
  outDir?: string;
  functions?: readonly FunctionName[];
}

const installedVersion = (name: string) =>
  (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

export async function buildGcpPackages(options: GcpPackageOptions = {}): Promise<GcpPackage[]> {
  const root = join(options.outDir ?? join(repoRoot, 'dist'), 'gcp');
  rmSync(root, { recursive: true, force: true });
  const packages: GcpPackage[] = [];
  for (const fn of options.functions ?? GCP_FUNCTIONS) packages.push(await buildOne(root, fn));
  const manifest = Object.fromEntries(packages.map((p) => [p.fn, { zip: `${p.fn}.zip`, sha256: p.sha256, objectName: p.objectName }]));
  writeFileSync(join(root, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return packages;
}

async function buildOne(root: string, fn: FunctionName): Promise<GcpPackage> {
  const dir = join(root, fn);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'index.js');
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    // Deployed on nodejs22; node20 output runs on both.
    target: 'node20',
    format: 'cjs',
    minify: true,
    // Minified names, but the original `.name` of functions and classes: proto3-json-serializer,
    // which turns requests into JSON on the REST transport (adapters/gcp/client-settings.ts),
    // recognises protobuf int64 values by `value.constructor.name === 'Long'`, and a renamed
    // class made every Firestore write of an integer field fail ("toProto3JSON: don't know how to
    // convert value").
    keepNames: true,
    sourcemap: true,
    // Some dependencies ship ESM that calls createRequire(import.meta.url), undefined in CJS.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  };
  const result = await build({
    ...common,
    entryPoints: [join(repoRoot, 'adapters', 'gcp', `${fn}.ts`)],
    outfile,
    metafile: true,
    external: [...EXTERNAL[fn], ...UNUSED_SDKS[fn]],
    plugins: [sdksApart(SDKS_APART[fn])],
  });
  // The SDKs kept apart, each alone in its file, with whatever it needs bundled in.
  const files = ['index.js'];
  const apartExternals: string[] = [];
  for (const name of SDKS_APART[fn]) {
    const file = sdkFile(name);
    const apart = await build({
      ...common,
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: repoRoot, loader: 'js' },
      outfile: join(dir, file),
      metafile: true,
      external: [...EXTERNAL[fn]],
    });
    const required = externalPackages(apart.metafile!, join(dir, file));
    assertExternalsSatisfied({ label: `gcp/${fn} ${file}`, externals: required, declared: EXTERNAL[fn] });
    apartExternals.push(...required);
    renameSync(join(dir, `${file}.map`), join(root, `${fn}.${file.replace(/\//g, '-')}.map`));
    files.push(file);
  }
  const dependencies = Object.fromEntries(EXTERNAL[fn].map((name) => [name, installedVersion(name)]));
  const externals = [...new Set([...externalPackages(result.metafile!, outfile), ...apartExternals])].sort();
  assertExternalsSatisfied({ label: `gcp/${fn}`, externals, declared: Object.keys(dependencies) });
  // The map stays beside the package, not in the upload.
  renameSync(join(dir, 'index.js.map'), join(root, `${fn}.index.js.map`));
  const manifest = { name: `multicloud-functions-${fn}`, version: '1.0.0', private: true, main: 'index.js', engines: { node: '>=20' }, dependencies };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

  const zip = new JSZip();
  // Fixed dates: the same sources give the same zip, hence the same hash and no redeploy.
  // No folder entries (sdk/): JSZip would date them now, and the same sources must give the same zip.
  for (const file of [...files, 'package.json']) zip.file(file, readFileSync(join(dir, file)), { date: new Date('2026-01-01T00:00:00Z'), createFolders: false });
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'UNIX' });
  const zipPath = join(root, `${fn}.zip`);
  writeFileSync(zipPath, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    fn,
    dir,
    zipPath,
    zipBytes: bytes.length,
    sha256,
    externals,
    dependencies,
    objectName: `${fn}-${sha256.slice(0, 20)}.zip`,
    report: { cloud: 'gcp', fn, dir, ...measureDirectory(dir) },
  };
}

/** The packager index.ts calls: one report per function and one per zip. */
export async function packageGcp(options: GcpPackageOptions = {}): Promise<PackageReport[]> {
  const packages = await buildGcpPackages(options);
  return packages.flatMap((p) => [p.report, { cloud: 'gcp', fn: `${p.fn}.zip`, dir: p.zipPath, bytes: p.zipBytes, files: 1 }]);
}
