/**
 * `npm run graph -- <stack> [--json] [--preview] [--config key=value ...]`
 *
 * Prints the resources `pulumi up` would create for a stack, with no cloud and no Pulumi CLI:
 * the program runs under Pulumi's mocks with the stack's config (Pulumi.yaml defaults, then
 * Pulumi.<stack>.yaml) and every registered resource is listed with its type, name, parent and
 * key inputs. It is not a diff against a deployed stack and it cannot see what a provider would
 * refuse or compute; that is `pulumi preview`'s job, with credentials. The Pulumi CLI's own config
 * rules apply first (infra/offline/cli-config.ts); `--preview` runs the program as `pulumi preview`
 * does, with every computed output unknown.
 */
import { runStack, stackFiles } from '../infra/offline/run-stack';
import type { RecordedResource } from '../infra/offline/recorder';

interface GraphRow {
  type: string;
  name: string;
  parent: string;
  dependsOn: string[];
  inputs: Record<string, unknown>;
}

/** Inputs worth a column: scalars, short lists of scalars; long documents are summarised. */
export function keyInputs(inputs: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(inputs)) {
    if (key.startsWith('__')) continue;
    if (typeof value === 'string') parts.push(`${key}=${value.length > 60 ? `${value.slice(0, 57)}...` : value}`);
    else if (typeof value === 'number' || typeof value === 'boolean') parts.push(`${key}=${value}`);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) parts.push(`${key}=[${value.join(',')}]`);
  }
  return parts.join(' ');
}

export function graphRows(resources: RecordedResource[]): GraphRow[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const label = (urn: string | undefined) => (urn ? byUrn.get(urn)?.name ?? urn : '');
  return resources
    .filter((r) => r.type !== 'pulumi:pulumi:Stack')
    .map((r) => ({
      type: r.type,
      name: r.name,
      parent: label(r.parent),
      dependsOn: r.dependencies.map(label),
      inputs: plain(r.inputs) as Record<string, unknown>,
    }))
    // Registration order varies from run to run; the listing should not.
    .sort((a, b) => a.parent.localeCompare(b.parent) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}

/** Assets and archives arrive with promised fields: keep their path, drop the rest. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v.__pulumiArchive || v.__pulumiAsset) return { archive: '(package directory)' };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return value;
}

function table(rows: GraphRow[]): string {
  const header = ['TYPE', 'NAME', 'PARENT', 'KEY INPUTS'];
  const cells = rows.map((r) => [r.type, r.name, r.parent, keyInputs(r.inputs)]);
  const widths = header.slice(0, 3).map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => [...c.slice(0, 3).map((x, i) => x.padEnd(widths[i])), c[3]].join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

function parseArgs(argv: string[]): { stack?: string; json: boolean; preview: boolean; overrides: Record<string, string> } {
  const overrides: Record<string, string> = {};
  let stack: string | undefined;
  let json = false;
  let preview = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--preview') preview = true;
    else if (arg === '--config') {
      const [key, ...rest] = (argv[++i] ?? '').split('=');
      if (!key || rest.length === 0) throw new Error('--config takes key=value');
      overrides[key] = rest.join('=');
    } else if (!stack) stack = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  return { stack, json, preview, overrides };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command itself, callable in-process (tests) as well as from the command line. */
export async function graphCommand(argv: string[]): Promise<CommandResult> {
  const { stack, json, preview, overrides } = parseArgs(argv);
  if (!stack) {
    return { code: 2, stdout: '', stderr: `usage: npm run graph -- <stack> [--json] [--preview] [--config key=value]\nstacks: ${stackFiles().join(', ')}` };
  }
  try {
    const run = await runStack(stack, { overrides, preview });
    const rows = graphRows(run.resources);
    const stdout = json
      ? JSON.stringify({ stack, resources: rows, outputs: plain(run.outputs) }, null, 2)
      : `${table(rows)}\n\n${rows.length} resources for stack ${stack} (offline, under mocks: names and inputs, not a diff).`;
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    // A config or package error is a RunError, a stack file the CLI would refuse a CliConfigError:
    // the message is the whole story.
    const e = error as Error & { __pulumiRunError?: boolean; cliConfigError?: boolean };
    return { code: 1, stdout: '', stderr: e.__pulumiRunError || e.cliConfigError ? e.message : String(e.stack) };
  }
}

if (require.main === module) {
  graphCommand(process.argv.slice(2)).then((result) => {
    if (result.stdout) console.log(result.stdout);
    if (result.stderr) console.error(result.stderr);
    process.exitCode = result.code;
  });
}
