/**
 * `npm run redrive -- <stack> <orders|images> [--dry-run] [--limit N]`: moves a function's dead
 * letters back to where they are processed again (orders: back to the orders queue or topic;
 * images: each named original rewritten onto itself, so that its bucket announces it again, see
 * objects.ts), and prints what it did. Safe to replay: the orders function is idempotent (a
 * recorded order is a duplicate; its pending outbox is relayed, or refused if the id was reused
 * for another order) and so is the images function.
 *
 * The stack `local` is the local runtime's data directory (DATA_DIR, default .data). Any other
 * stack is read from `Pulumi.<stack>.yaml` (its cloud) and from its outputs, through
 * `pulumi stack output --json --stack <stack>` (REDRIVE_STACK_OUTPUTS=<file> reads a saved copy
 * instead). Credentials are the SDKs' usual chains (clients.ts: AWS profile or env, DefaultAzureCredential or
 * AZURE_STORAGE_CONNECTION_STRING, Google application default credentials).
 *
 * Two runs for one stack and function at once are refused (lock.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { wireLocal } from '../../adapters/local/wiring';
import { silentLogger } from '../../handlers/ports/logger';
import { redriveLocal } from './local';
import { acquireLock, AlreadyRunning, lockPath } from './lock';
import { redriveImages } from './images';
import { redriveOrders } from './orders';
import type { Moved, Outputs, RedriveOptions } from './letters';

export const usage = 'usage: npm run redrive -- <stack> <orders|images> [--dry-run] [--limit N]';

export class RedriveUsageError extends Error {}

export interface RedriveArgs extends RedriveOptions {
  stack: string;
  fn: 'orders' | 'images';
}

export function parseArgs(argv: readonly string[]): RedriveArgs {
  const positional: string[] = [];
  let dryRun = false;
  let limit = 1000;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') dryRun = true;
    else if (a === '--limit') {
      const n = Number(argv[++i]);
      if (!Number.isSafeInteger(n) || n < 1) throw new RedriveUsageError(`--limit takes a whole number >= 1, got ${JSON.stringify(argv[i])}`);
      limit = n;
    } else if (a.startsWith('--')) throw new RedriveUsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  const [stack, fn] = positional;
  if (positional.length !== 2 || !stack) throw new RedriveUsageError('expected a stack and a function');
  if (fn !== 'orders' && fn !== 'images') throw new RedriveUsageError(`the function is orders or images, got ${JSON.stringify(fn)}`);
  return { stack, fn, dryRun, limit };
}


function stackOutputs(stack: string, env: NodeJS.ProcessEnv): Outputs {
  if (env.REDRIVE_STACK_OUTPUTS) return JSON.parse(readFileSync(env.REDRIVE_STACK_OUTPUTS, 'utf8')) as Outputs;
  return JSON.parse(execFileSync('pulumi', ['stack', 'output', '--json', '--stack', stack], { encoding: 'utf8' })) as Outputs;
}

function stackConfig(stack: string, root: string): Record<string, unknown> {
  const file = join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new RedriveUsageError(`no ${file}: is ${JSON.stringify(stack)} a stack of this project?`);
  return ((parse(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> }).config ?? {});
}

/** Runs the command; returns what it moved. Throws RedriveUsageError or AlreadyRunning. */
export async function redrive(args: RedriveArgs, env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Promise<Moved[]> {
  const release = acquireLock(env.REDRIVE_LOCK_DIR ? lockPath(args.stack, args.fn, env.REDRIVE_LOCK_DIR) : lockPath(args.stack, args.fn));
  try {
    if (args.stack === 'local') {
      const ports = wireLocal({ dataDir: resolve(env.DATA_DIR || '.data'), env }, silentLogger);
      try {
        return await redriveLocal(ports, args.fn, args);
      } finally {
        ports.close();
      }
    }
    const config = stackConfig(args.stack, root);
    const cloud = config['multicloud-functions:cloud'];
    if (cloud !== 'aws' && cloud !== 'azure' && cloud !== 'gcp') {
      throw new RedriveUsageError(`stack ${args.stack} names no cloud this command knows: ${JSON.stringify(cloud)}`);
    }
    const outputs = stackOutputs(args.stack, env);
    return args.fn === 'images' ? await redriveImages(cloud, config, outputs, env, args) : await redriveOrders(cloud, config, outputs, env, args);
  } finally {
    release();
  }
}

/** One line per letter, then a total. */
export function report(moved: readonly Moved[], args: RedriveArgs): string {
  const lines = moved.map((m) =>
    [m.action.padEnd(10), m.id, m.order_id ? `order ${m.order_id}` : '', m.object ? `object ${m.object}` : '', m.reason ? `(${m.reason})` : ''].filter(Boolean).join('  '),
  );
  const count = moved.filter((m) => ['moved', 'would move', 'replayed', 'would replay'].includes(m.action)).length;
  // images lines are one per object a letter names (an Event Grid letter may name several)
  const verb = args.fn === 'images' ? (args.dryRun ? 'would replay' : 'replayed') : args.dryRun ? 'would move' : 'moved';
  const of = args.fn === 'images' ? `objects named by ${args.fn} dead letters` : `${args.fn} dead letters`;
  lines.push(`${verb} ${count} of ${moved.length} ${of} of ${args.stack}`);
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  try {
    const args = parseArgs(process.argv.slice(2));
    process.stdout.write(report(await redrive(args), args));
  } catch (err) {
    if (err instanceof RedriveUsageError || err instanceof AlreadyRunning) {
      process.stderr.write(`${err.message}\n${usage}\n`);
      process.exit(2);
    }
    throw err;
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
