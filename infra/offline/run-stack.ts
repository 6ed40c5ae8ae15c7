/**
 * Runs the Pulumi program for one stack with no cloud and no CLI: the stack's config (Pulumi.yaml
 * defaults, then Pulumi.<stack>.yaml, then overrides) goes into the mocks, the program is loaded
 * fresh, and every resource it registers is recorded. Used by the tests and by `npm run graph`.
 * Cloud-agnostic: what the mocks answer per cloud is in mock-state.ts.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { projectRoot } from '../packages';
import { configValue, mergeStackConfig, namespacedKey, projectConfigTypes, type StackValue } from './cli-config';
import { cloudMocks } from './mock-state';
import { startRecording, waitForRegistrations, type RecordedResource } from './recorder';

export interface StackRun {
  project: string;
  stack: string;
  /** The config the program saw, keys namespaced (`multicloud-functions:cloud`). */
  config: Record<string, string>;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
}

export interface RunOptions {
  /** Keys bare (project namespace) or namespaced; they replace the stack file's values. */
  overrides?: Record<string, unknown>;
  /** Keys to drop from the stack's config (to test a missing value). */
  remove?: string[];
  /**
   * Run as `pulumi preview` does (a pull request's check): every resource is new, so its id and
   * every output the provider computes (ARNs, URLs...) are unknown and their `apply` callbacks
   * never run. Default: as `pulumi up` does, every output known.
   */
  preview?: boolean;
}

const programDir = path.join(projectRoot, 'infra');
const offlineDir = path.join(programDir, 'offline');

/** Placeholder for `secure:` values, which cannot be decrypted without the stack's secrets provider. */
export const securePlaceholder = 'offline-secret';

/**
 * The config the program sees, as `pulumi preview`/`up` build it: the stack file, with the run's
 * overrides (`pulumi config set`) and removals (`pulumi config rm`), merged with Pulumi.yaml's
 * declarations under the CLI's own rules (cli-config.ts): a declared key without `default` or
 * `value` that the stack does not set stops the run here, as it stops the CLI.
 */
export function loadStackConfig(stack: string, root = projectRoot, options: RunOptions = {}): { project: string; config: Record<string, string>; secretKeys: string[] } {
  const projectFile = parse(readFileSync(path.join(root, 'Pulumi.yaml'), 'utf8')) as { name: string; config?: Record<string, unknown> };
  const project = projectFile.name;
  const types = projectConfigTypes(project, projectFile.config);
  const stackPath = path.join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(stackPath)) throw new Error(`No stack file ${stackPath}: stacks here are ${stackFiles(root).join(', ') || 'none'}`);
  const stackFile = (parse(readFileSync(stackPath, 'utf8')) ?? {}) as { config?: Record<string, unknown> };
  const values = new Map<string, StackValue>();
  for (const [key, value] of Object.entries(stackFile.config ?? {})) {
    const secure = value !== null && typeof value === 'object' && 'secure' in value;
    // `secure:` values cannot be decrypted without the stack's secrets provider: a placeholder.
    values.set(namespacedKey(project, key), secure ? { text: securePlaceholder, object: false, secure: true } : configValue(value));
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) values.delete(namespacedKey(project, key));
    else values.set(namespacedKey(project, key), configValue(value));
  }
  for (const key of options.remove ?? []) values.delete(namespacedKey(project, key));

  const merged = mergeStackConfig(stack, project, types, values);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of merged) {
    config[key] = value.text;
    if (value.secure) secretKeys.push(key);
  }
  return { project, config, secretKeys };
}

export async function runStack(stack: string, options: RunOptions = {}): Promise<StackRun> {
  const { project, config, secretKeys } = loadStackConfig(stack, projectRoot, options);

  const regionOf = (type: string) => {
    const mocks = cloudMocks[type.split(':')[0]];
    return mocks ? config[mocks.regionKey] ?? mocks.defaultRegion : '';
  };
  const preview = options.preview ?? false;
  await pulumi.runtime.setMocks({
    newResource: ({ type, name, inputs }) => {
      // In preview the engine knows a new resource's inputs and nothing else: no id, no computed
      // output. Outputs a mock leaves out are unknown in preview (@pulumi/pulumi runtime/rpc.ts,
      // resolveProperties). Provider functions (call) still run in preview, as invokes do.
      if (preview) return { id: undefined, state: inputs };
      const mocks = cloudMocks[type.split(':')[0]];
      return mocks ? mocks.state(type, name, inputs, regionOf(type)) : { id: `${name}-id`, state: inputs };
    },
    call: ({ token }) => {
      const mocks = cloudMocks[token.split(':')[0]];
      const answer = mocks?.call(token, regionOf(token));
      if (!answer) throw new Error(`The offline mocks do not answer ${token}: add it to infra/offline`);
      return answer;
    },
  }, project, stack, preview);
  pulumi.runtime.setAllConfig(config, secretKeys);

  const resources = startRecording();
  forgetProgram();
  // The program's error is caught inside the stack and rethrown once the stack has finished:
  // thrown through runInPulumiStack it would also reject the stack's internal promises, which
  // nothing awaits (unhandled rejections), and the stack would register after the next run began.
  let failure: unknown;
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported: unknown = require(programDir);
      return (await exported) as Record<string, unknown>;
    } catch (error) {
      failure = error;
      return {};
    }
  });
  // Registrations still in flight (a program that failed halfway) belong to this run's record.
  await waitForRegistrations();
  if (failure !== undefined) throw failure;
  return { project, stack, config, resources, outputs: (outputs ?? {}) as Record<string, unknown> };
}

/** The stacks that have a Pulumi.<stack>.yaml. */
export function stackFiles(root = projectRoot): string[] {
  return readdirSync(root).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s);
}

/** A cached program module registers nothing the second time: drop the program from the cache. */
function forgetProgram(): void {
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(programDir + path.sep) && !file.startsWith(offlineDir + path.sep)) {
      delete require.cache[file];
    }
  }
}
