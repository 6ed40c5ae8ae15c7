/**
 * Measures the choice scripts/package/aws.ts makes: the AWS SDK bundled into each package, or
 * left external for the Lambda runtime to provide. For each function and each way it reports the
 * package size and the time a fresh Node process takes to load the handler module (Lambda's
 * init phase does the same). The external case loads the SDK from this repository's
 * node_modules, as the runtime would from /var/runtime/node_modules.
 * Run: npx tsx scripts/package/aws-sdk-choice.ts [runs]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageAws } from './aws';

const repoRoot = resolve(__dirname, '..', '..');

function loadMs(entry: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(entry)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(runs: number): Promise<void> {
  for (const sdk of ['bundled', 'external'] as const) {
    const out = mkdtempSync(join(tmpdir(), `aws-${sdk}-`));
    try {
      // The external bundles resolve @aws-sdk/* through a node_modules link beside them.
      symlinkSync(join(repoRoot, 'node_modules'), join(out, 'node_modules'));
      for (const report of await packageAws({ outDir: out, functions: ['users', 'orders'], sdk, nativeSharp: false })) {
        const times = Array.from({ length: runs }, () => loadMs(join(report.dir, 'index.js')));
        console.log(`${sdk.padEnd(8)} ${report.fn.padEnd(6)} package ${(report.bytes / 1024).toFixed(0)} kB, load median ${median(times).toFixed(0)} ms (${runs} runs)`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
}

main(Number(process.argv[2] ?? 7)).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
