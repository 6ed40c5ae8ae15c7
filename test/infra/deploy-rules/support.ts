/**
 * The deploy-rules suite's one way to run the program: a stack file (or a config variant of it)
 * in `up` or `preview` mode under the offline runner (infra/offline/run-stack.ts, which applies
 * the Pulumi CLI's config rules first), with stand-in function packages for the stack's cloud,
 * returning every resource registered with the inputs that would go over the wire (after the
 * provider SDK's own defaults). Cloud-agnostic: the AWS, Azure and Google Cloud rule files all use it.
 */
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { allSpecs } from '../../../handlers/specs';
import { packageEntry as awsEntry } from '../../../infra/aws/function';
import { packageEntry as gcpEntry } from '../../../infra/gcp/function';
import { projectRoot } from '../../../infra/packages';
import { stackFiles, type RunOptions, type StackRun } from '../../../infra/offline/run-stack';
import type { RecordedResource } from '../../../infra/offline/recorder';
import { fakeAppPackage } from '../azure/azure-support';
import { fakePackages, removeDir, runWith } from '../harness';

export type Mode = 'up' | 'preview';
export const modes: readonly Mode[] = ['up', 'preview'];

export interface Variant {
  /** Keys bare (project namespace) or namespaced, as `pulumi config set` would set them. */
  overrides?: Record<string, unknown>;
  /** Keys `pulumi config rm` would remove. */
  remove?: string[];
}

/** A run's resources with the inputs the provider would receive. */
export class Deployment {
  constructor(readonly stack: string, readonly mode: Mode, readonly run: StackRun) {}

  get config(): Record<string, string> {
    return this.run.config;
  }

  /** Cloud resources (components excluded: they never reach a provider). */
  get resources(): RecordedResource[] {
    return this.run.resources.filter((r) => r.custom);
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of a type and logical name; throws naming those there are. */
  get(type: string, name: string): RecordedResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name} in ${this.stack} (${this.mode}); there are: ${this.ofType(type).map((r) => r.name).join(', ') || 'none'}`);
    return found;
  }
}

/** The cloud a stack file deploys to (its `cloud` key, or the variant's). */
export function cloudOf(stack: string, variant: Variant = {}): string {
  const override = variant.overrides?.cloud;
  if (typeof override === 'string') return override;
  const file = parse(readFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), 'utf8')) as { config?: Record<string, unknown> };
  return String(file.config?.['multicloud-functions:cloud']);
}

/** Every stack file in the repository (Pulumi.<stack>.yaml), and those of one cloud. */
export function stacks(cloud?: string): string[] {
  return stackFiles().filter((s) => !cloud || cloudOf(s) === cloud).sort();
}

function standInPackages(cloud: string): string {
  if (cloud === 'azure') return fakeAppPackage();
  return fakePackages(cloud, allSpecs.map((s) => s.name), cloud === 'gcp' ? gcpEntry : awsEntry);
}

// Pulumi's mocks are process-wide: one run at a time.
let queue: Promise<unknown> = Promise.resolve();

/** Runs a stack file with a config variant in one mode; the stack must be one the CLI accepts. */
export function deploy(stack: string, mode: Mode, variant: Variant = {}): Promise<Deployment> {
  const run = queue.then(async () => {
    const packages = standInPackages(cloudOf(stack, variant));
    try {
      const options: RunOptions = { overrides: variant.overrides, remove: variant.remove, preview: mode === 'preview' };
      return new Deployment(stack, mode, await runWith(stack, packages, options));
    } finally {
      removeDir(packages);
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/** The error a run fails with; throws when it succeeds. */
export async function deployError(stack: string, mode: Mode, variant: Variant = {}): Promise<Error> {
  try {
    await deploy(stack, mode, variant);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`stack ${stack} (${mode}) ran without error with ${JSON.stringify(variant)}`);
}

const committed = new Map<string, Promise<Deployment>>();

/** A committed stack file, as it is, run once per process and mode (the rule files share it). */
export function committedStack(stack: string, mode: Mode): Promise<Deployment> {
  const key = `${stack} ${mode}`;
  if (!committed.has(key)) committed.set(key, deploy(stack, mode));
  return committed.get(key)!;
}

/** In preview an input computed from another resource's output is unknown: no rule can see it. */
export function isUnknown(value: unknown): boolean {
  return pulumi.isUnknown(value);
}

/** The value of a string input, or undefined when unknown (preview) or absent. */
export function text(resource: RecordedResource, input: string): string | undefined {
  const value = resource.inputs[input];
  return typeof value === 'string' && !isUnknown(value) ? value : undefined;
}
