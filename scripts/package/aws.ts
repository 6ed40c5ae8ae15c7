/**
 * Lambda packages: one esbuild bundle per function in dist/aws/<function>/index.js (the
 * handler setting is `index.handler`), tree-shaken, minified, with a source map, for Node 22.
 *
 * The AWS SDK is bundled: measured here (docs/adapters/aws.md), bundled users/orders
 * packages are smaller on disk than the SDK files they would load from the runtime, start faster,
 * and run the SDK version the tests ran, not whatever the runtime ships that month.
 *
 * The SDK's default credential chain (SSO, ini files, process, web identity, ECS/IMDS, with the
 * STS and SSO clients they pull in) is a file of its own in each package, credential-chain.js,
 * required only when the environment holds no credentials: Lambda always puts the execution
 * role's in it (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * so a cold start there no longer compiles the chain (a third of the bundle); the package still
 * runs anywhere the chain finds credentials.
 *
 * The users function's signing path (the S3 client and the two presigners, adapters/aws/ports/
 * object-urls.ts) is a file of its own as well, object-urls.js, required on the first image route:
 * every other route answers without V8 compiling it (it took the users index.js from 252 KB to
 * 453 KB).
 *
 * images carries sharp's native code for linux-arm64 (the functions run on Graviton), installed
 * into the package folder with npm's --os/--cpu/--libc so that this machine's x64 build stays out.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FunctionName } from '../../handlers/specs';
import { assertExternalsSatisfied, externalPackages, isRelative } from './externals';
import { measureDirectory, type PackageReport } from './report';

const repoRoot = resolve(__dirname, '..', '..');

export interface AwsPackageOptions {
  /** Where `aws/<function>/` goes; dist/ by default. */
  outDir?: string;
  functions?: readonly FunctionName[];
  /** `external` leaves @aws-sdk/* to the Lambda runtime (kept for the measurement). */
  sdk?: 'bundled' | 'external';
  /** Install sharp for linux-arm64 into the images package; off only in tests that skip images. */
  nativeSharp?: boolean;
}

export const awsFunctions: readonly FunctionName[] = ['images', 'users', 'orders'];

/** Packages left out of the bundle and installed into the function's package instead. */
export const AWS_CARRIED: Record<FunctionName, readonly string[]> = { images: ['sharp'], users: [], orders: [] };

/**
 * @aws-sdk/lib-dynamodb does not declare `sideEffects: false` (the clients do), so esbuild kept it,
 * and the DynamoDB client behind it, in the images package that never uses it. It has none.
 */
const sideEffectFree: Plugin = {
  name: 'side-effect-free',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/lib-dynamodb$/ }, async (args) => {
      if (args.pluginData === 'again') return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'again' });
      return { ...resolved, sideEffects: false };
    });
  },
};

/** The default chain's file, beside index.js in every package. */
export const CREDENTIAL_CHAIN_FILE = 'credential-chain.js';

/**
 * `@aws-sdk/credential-provider-node`, as the clients import it, replaced by its first link kept
 * in the bundle: the environment's credentials, taken exactly when the chain would take them (both
 * keys set and no profile named, see its dist-es/defaultProvider.js), and otherwise the chain
 * itself, from ./credential-chain.js, decided on each resolution as the chain does.
 */
export const credentialsFromEnvironmentFirst: Plugin = {
  name: 'credentials-from-environment-first',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: 'credential-provider-node', namespace: 'environment-first' }));
    b.onResolve({ filter: new RegExp(`^\\./${CREDENTIAL_CHAIN_FILE.replace('.', '\\.')}$`) }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'environment-first' }, () => ({
      contents: `import { fromEnv } from '@aws-sdk/credential-provider-env';
const inEnvironment = (init) => !(init.profile ?? process.env.AWS_PROFILE) && !!process.env.AWS_ACCESS_KEY_ID && !!process.env.AWS_SECRET_ACCESS_KEY;
export const defaultProvider = (init = {}) => {
  let chain;
  return (properties) => inEnvironment(init)
    ? fromEnv(init)(properties)
    : (chain ??= require('./${CREDENTIAL_CHAIN_FILE}').defaultProvider(init))(properties);
};
`,
      resolveDir: repoRoot,
      loader: 'js',
    }));
  },
};

/** The users package's signing path (the S3 client and the presigners), beside index.js. */
export const SIGNING_FILE = 'object-urls.js';

/** The module adapters/aws/wiring.ts requires on the first image route, and object-urls.js's entry. */
const signingModule = join(repoRoot, 'adapters', 'aws', 'ports', 'object-urls.ts');

/**
 * The wiring's `require('./ports/object-urls')`, made on the first call of an ObjectUrls method
 * (adapters/aws/ports/object-urls-on-first-use.ts), left as a require of ./object-urls.js.
 */
export const signingApart: Plugin = {
  name: 'signing-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/ports\/object-urls$/ }, (args) =>
      args.kind === 'require-call' ? { path: `./${SIGNING_FILE}`, external: true } : undefined,
    );
  },
};

/** How every file of an AWS package is bundled: one minified CommonJS file for Node 22, with source maps. */
const nodeBundle: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // ESM builds first: the SDK's dist-es tree-shakes, its dist-cjs does not.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  // Paths and mappings only: stack traces still resolve, the package stays small.
  sourcesContent: false,
};

/** The options that build a package's credential-chain.js: the SDK's default chain, alone. */
export function credentialChainOptions(outfile: string): BuildOptions {
  return {
    ...nodeBundle,
    stdin: { contents: "export { defaultProvider } from '@aws-sdk/credential-provider-node';", resolveDir: repoRoot, loader: 'js' },
    outfile,
    logLevel: 'warning',
  };
}

/**
 * The options that build the users package's object-urls.js: the signing path alone, its S3
 * client taking the environment's credentials first as index.js does (the chain it shares).
 */
export function signingOptions(outfile: string): BuildOptions {
  return {
    ...nodeBundle,
    entryPoints: [signingModule],
    outfile,
    plugins: [sideEffectFree, credentialsFromEnvironmentFirst],
    logLevel: 'warning',
  };
}

/** The functions whose index.js leaves the signing path to object-urls.js. */
export const SIGNS_URLS: readonly FunctionName[] = ['users'];

export function esbuildOptions(fn: FunctionName, outfile: string, sdk: 'bundled' | 'external'): BuildOptions {
  const external = [...AWS_CARRIED[fn]];
  if (sdk === 'external') external.push('@aws-sdk/*', '@smithy/*');
  return {
    ...nodeBundle,
    entryPoints: [join(repoRoot, 'adapters', 'aws', `${fn}.ts`)],
    outfile,
    external,
    // signingApart in every bundle: a require() that esbuild bundles keeps its module (and what it
    // imports) even where the function calling it is dropped, as usersWiring is from images and orders.
    plugins: sdk === 'bundled' ? [sideEffectFree, credentialsFromEnvironmentFirst, signingApart] : [],
    logLevel: 'warning',
  };
}

/** The package's own files an output requires (`./credential-chain.js`), from esbuild's metafile. */
function relativeRequires(metafile: Metafile, outfile: string): string[] {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(path) === resolve(outfile));
  return (output?.[1].imports ?? []).filter((i) => i.external && isRelative(i.path)).map((i) => i.path);
}

export async function packageAws(options: AwsPackageOptions = {}): Promise<PackageReport[]> {
  const outDir = options.outDir ?? join(repoRoot, 'dist');
  const reports: PackageReport[] = [];
  for (const fn of options.functions ?? awsFunctions) {
    const dir = join(outDir, 'aws', fn);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, 'index.js');
    const sdk = options.sdk ?? 'bundled';
    const result = await build({ ...esbuildOptions(fn, outfile, sdk), metafile: true });
    // Lambda gives the bundle only its package (and, in the runtime, the AWS SDK): whatever else it
    // requires must be in the package, or the first cold start fails with MODULE_NOT_FOUND.
    const externals = externalPackages(result.metafile, outfile);
    assertExternalsSatisfied({
      label: `aws/${fn}`,
      externals,
      declared: AWS_CARRIED[fn],
      provided: sdk === 'external' ? ['@aws-sdk/', '@smithy/'] : [],
    });
    if (sdk === 'bundled') {
      // Each file of the package index.js requires must be built beside it.
      const own = relativeRequires(result.metafile, outfile);
      const beside = [`./${CREDENTIAL_CHAIN_FILE}`, ...(SIGNS_URLS.includes(fn) ? [`./${SIGNING_FILE}`] : [])];
      const missing = own.filter((f) => !beside.includes(f));
      if (missing.length > 0) throw new Error(`aws/${fn}: index.js requires ${missing.join(', ')}, which the package does not hold`);
      const chain = await build({ ...credentialChainOptions(join(dir, CREDENTIAL_CHAIN_FILE)), metafile: true });
      assertExternalsSatisfied({ label: `aws/${fn} ${CREDENTIAL_CHAIN_FILE}`, externals: externalPackages(chain.metafile, join(dir, CREDENTIAL_CHAIN_FILE)), declared: [] });
      if (SIGNS_URLS.includes(fn)) {
        const signing = await build({ ...signingOptions(join(dir, SIGNING_FILE)), metafile: true });
        assertExternalsSatisfied({ label: `aws/${fn} ${SIGNING_FILE}`, externals: externalPackages(signing.metafile, join(dir, SIGNING_FILE)), declared: [] });
      }
    }
    if (fn === 'images' && options.nativeSharp !== false) installSharpForLambda(dir);
    reports.push({ cloud: 'aws', fn, dir, ...measureDirectory(dir), externals });
  }
  return reports;
}

/** sharp with the linux-arm64 glibc binaries Lambda's arm64 Node runtime loads. */
function installSharpForLambda(dir: string): void {
  const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).dependencies.sharp as string;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { sharp: version } }, null, 2));
  execFileSync(
    'npm',
    ['install', '--os=linux', '--cpu=arm64', '--libc=glibc', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', `sharp@${version}`],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
