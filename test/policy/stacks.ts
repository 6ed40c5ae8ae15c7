/**
 * The dev stacks as the policy rules see them: each stack file run once under the offline mocks
 * (test/infra/harness.ts) with stand-in packages, its recorded resources in the rules' shape.
 */
import { allSpecs } from '../../handlers/specs';
import { packageEntry as awsEntry } from '../../infra/aws/function';
import { packageEntry as gcpEntry } from '../../infra/gcp/function';
import type { RecordedResource } from '../../infra/offline/recorder';
import type { StackResource } from '../../policy/resources';
import { rules } from '../../policy/rules';
import { fakeAppPackage } from '../infra/azure/azure-support';
import { fakePackages, removeDir, runWith } from '../infra/harness';

// Pulumi's mocks are process-wide: one stack runs at a time.
let queue: Promise<unknown> = Promise.resolve();

export const stacks = { aws: 'dev', azure: 'dev-azure', gcp: 'dev-gcp' } as const;
export type Cloud = keyof typeof stacks;

export function toStackResources(recorded: readonly RecordedResource[]): StackResource[] {
  return recorded.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: r.propertyDependencies }));
}

function packagesFor(cloud: Cloud): string {
  if (cloud === 'azure') return fakeAppPackage();
  return fakePackages(cloud, allSpecs.map((s) => s.name), cloud === 'aws' ? awsEntry : gcpEntry);
}

/** Runs a stack (with config overrides) and returns its resources; one run at a time. */
export function stackResources(cloud: Cloud, overrides: Record<string, unknown> = {}): Promise<{ resources: StackResource[]; config: Record<string, string> }> {
  const run = queue.then(() => runOnce(cloud, overrides));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(cloud: Cloud, overrides: Record<string, unknown> = {}): Promise<{ resources: StackResource[]; config: Record<string, string> }> {
  const packages = packagesFor(cloud);
  try {
    const run = await runWith(stacks[cloud], packages, { overrides });
    return { resources: toStackResources(run.resources), config: run.config };
  } finally {
    removeDir(packages);
  }
}

/** A copy of the resources with one resource's props changed (a deliberately broken variant). */
export function withProps(resources: readonly StackResource[], type: string, name: string, change: (props: Record<string, unknown>) => Record<string, unknown>): StackResource[] {
  let found = false;
  const changed = resources.map((r) => {
    if (r.type !== type || r.name !== name) return r;
    found = true;
    const props = change(JSON.parse(JSON.stringify(r.props)) as Record<string, unknown>);
    // An input the variant removed no longer comes from another resource either.
    const propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).filter(([key]) => props[key] !== undefined));
    return { ...r, props, propertyDependencies };
  });
  if (!found) throw new Error(`no ${type} named ${name} in the stack`);
  return changed;
}

/** A copy without the resources of a type and name. */
export function without(resources: readonly StackResource[], type: string, name: string): StackResource[] {
  const kept = resources.filter((r) => !(r.type === type && r.name === name));
  if (kept.length === resources.length) throw new Error(`no ${type} named ${name} in the stack`);
  return kept;
}

/** A copy with one more resource (a grant or a bucket someone added by hand). */
export function adding(resources: readonly StackResource[], type: string, name: string, props: Record<string, unknown>): StackResource[] {
  return [...resources, { type, name, urn: `urn:pulumi:test::multicloud-functions::${type}::${name}`, props, propertyDependencies: {} }];
}

const committed = new Map<Cloud, Promise<StackResource[]>>();

/** The committed stack's resources, run once per test process (every test file reuses them). */
export function committedStack(cloud: Cloud): Promise<StackResource[]> {
  if (!committed.has(cloud)) {
    committed.set(cloud, stackResources(cloud).then((r) => r.resources));
  }
  return committed.get(cloud)!;
}

/** The violations of one rule over some resources (the users API not declared public). */
export function check(ruleName: string, resources: readonly StackResource[], usersApiAnonymousAllowed = false): string[] {
  const rule = rules.find((r) => r.name === ruleName);
  if (!rule) throw new Error(`no rule ${ruleName}`);
  return rule.check(resources, { usersApiAnonymousAllowed }).map((v) => v.message);
}
