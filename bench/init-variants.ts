/**
 * What-if builds of the AWS users and orders bundles, measured next to the shipped ones to show
 * where their init time goes and what would cut it. Each is scripts/package/aws.ts
 * `esbuildOptions()` with ONE change; the shipped packages are not altered by them.
 *
 * - shipped: the options as they are (SDK bundled; the environment's credentials first, the
 *   default chain in credential-chain.js, loaded only without them);
 * - default chain bundled: as shipped before, `@aws-sdk/credential-provider-node` (the default
 *   chain: env, SSO, ini, process, web identity, ECS/IMDS, with the STS, SSO-OIDC and sign-in
 *   clients it pulls in) inside index.js, parsed on every cold start although Lambda always puts
 *   the role's credentials in the environment and the rest of the chain never runs there;
 * - signing path in index.js (users only): as shipped before, the S3 client and the presigners
 *   (adapters/aws/ports/object-urls.ts) inside index.js rather than in object-urls.js, compiled on
 *   every cold start although only the image routes use them;
 * - runtime's SDK: `@aws-sdk/*` and `@smithy/*` left external, loaded from node_modules (here
 *   this repository's, as Lambda would from /var/runtime/node_modules);
 * - no SDK (floor): every `@aws-sdk/*` and `@smithy/*` import replaced by an empty stand-in. It
 *   loads but cannot serve: the time of our own code (handlers, adapter, valibot, jose), i.e. the
 *   least any SDK-free adapter could take before its first request.
 */
import { build, type Plugin } from 'esbuild';
import { mkdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { credentialsFromEnvironmentFirst, esbuildOptions, signingApart } from '../scripts/package/aws';
import { repoRoot } from './children';

export type InitVariantName = 'shipped' | 'default chain bundled' | 'signing path in index.js' | "runtime's SDK" | 'no SDK (floor)';

export interface InitVariant {
  fn: 'users' | 'orders';
  name: InitVariantName;
  entry: string;
  /** index.js bytes. */
  bytes: number;
  /** False for the floor: its handler cannot make a request. */
  serves: boolean;
}

const noSdk: Plugin = {
  name: 'no-sdk',
  setup(b) {
    b.onResolve({ filter: /^@(aws-sdk|smithy)\// }, () => ({ path: 'sdk', namespace: 'no-sdk' }));
    b.onLoad({ filter: /.*/, namespace: 'no-sdk' }, () => ({ contents: 'module.exports = new Proxy({}, { get: () => class {} });', loader: 'js' }));
  },
};

/** Builds every variant of both functions under `outDir`. */
export async function buildInitVariants(outDir: string): Promise<InitVariant[]> {
  const out: InitVariant[] = [];
  // The external build resolves @aws-sdk/* through a node_modules link beside it.
  mkdirSync(outDir, { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'));
  for (const fn of ['users', 'orders'] as const) {
    type Options = (entry: string) => Parameters<typeof build>[0];
    const without = (plugin: Plugin): Options => (entry) => {
      const o = esbuildOptions(fn, entry, 'bundled');
      return { ...o, plugins: (o.plugins ?? []).filter((p) => p !== plugin) };
    };
    const variants: [InitVariantName, Options][] = [
      ['shipped', (entry) => esbuildOptions(fn, entry, 'bundled')],
      ['default chain bundled', without(credentialsFromEnvironmentFirst)],
      ...(fn === 'users' ? [['signing path in index.js', without(signingApart)] as [InitVariantName, Options]] : []),
      ["runtime's SDK", (entry) => esbuildOptions(fn, entry, 'external')],
      ['no SDK (floor)', (entry) => ({ ...esbuildOptions(fn, entry, 'external'), external: [], plugins: [noSdk] })],
    ];
    for (const [name, options] of variants) {
      const entry = join(outDir, name.replace(/\W+/g, '-'), fn, 'index.js');
      await build({ ...options(entry), sourcemap: false, logLevel: 'error' });
      out.push({ fn, name, entry, bytes: statSync(entry).size, serves: name !== 'no SDK (floor)' });
    }
  }
  return out;
}
