/**
 * Test helpers over the offline stack runner (infra/offline/run-stack.ts): a temporary packages
 * directory filled with small stand-in packages (the program reads `packagesDir` from config, so
 * no real build is needed), and lookups over the recorded resources. Cloud-agnostic.
 */
import * as pulumi from '@pulumi/pulumi';
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runStack, type RunOptions, type StackRun } from '../../infra/offline/run-stack';
import type { RecordedResource } from '../../infra/offline/recorder';

export { runStack, type StackRun, type RecordedResource };

/** A directory laid out like `dist/`: `<cloud>/<function>/<entry>` with a one-line handler. */
export function fakePackages(cloud: string, functions: readonly string[], entry: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcf-packages-'));
  for (const fn of functions) writePackage(dir, cloud, fn, entry, `exports.handler = async () => ${JSON.stringify(fn)};\n`);
  return dir;
}

export function writePackage(dir: string, cloud: string, fn: string, entry: string, content: string): string {
  const fnDir = path.join(dir, cloud, fn);
  mkdirSync(fnDir, { recursive: true });
  writeFileSync(path.join(fnDir, entry), content);
  return fnDir;
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Runs a stack with the given packages, overrides and removed keys. */
export function runWith(stack: string, packagesDir: string, options: RunOptions = {}): Promise<StackRun> {
  return runStack(stack, { ...options, overrides: { packagesDir, ...options.overrides } });
}

/** The error a run fails with (the test fails if it succeeds). */
export async function runError(stack: string, packagesDir: string, options: RunOptions): Promise<Error> {
  try {
    await runWith(stack, packagesDir, options);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`stack ${stack} ran without error with ${JSON.stringify(options)}`);
}

export class Resources {
  constructor(readonly all: RecordedResource[]) {}

  ofType(type: string): RecordedResource[] {
    return this.all.filter((r) => r.type === type);
  }

  /** The one resource of a type and logical name; throws naming what exists. */
  get(type: string, name: string): RecordedResource {
    const found = this.all.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; there are: ${this.ofType(type).map((r) => r.name).join(', ') || 'none'}`);
    return found;
  }

  byUrn(urn: string): RecordedResource {
    const found = this.all.find((r) => r.urn === urn);
    if (!found) throw new Error(`no resource ${urn}`);
    return found;
  }

  parentOf(resource: RecordedResource): RecordedResource | undefined {
    return resource.parent ? this.byUrn(resource.parent) : undefined;
  }

  /** Dependencies as `type name` strings. */
  dependenciesOf(resource: RecordedResource): RecordedResource[] {
    return resource.dependencies.map((urn) => this.byUrn(urn));
  }
}

/** The physical names the inputs set, by the input that carries them per resource type. */
export function physicalName(resource: RecordedResource): string | undefined {
  const i = resource.inputs;
  const value = i.bucket !== undefined && resource.type.endsWith(':Bucket') ? i.bucket : i.name;
  return typeof value === 'string' ? value : undefined;
}

/** A config validation rule: the config that breaks it, and what the refusal must say. */
export interface RefusalCase {
  rule: string;
  overrides?: Record<string, unknown>;
  remove?: string[];
  /** Fragments the message must contain: the key, the value, what is allowed. */
  says: string[];
  /**
   * The Pulumi CLI refuses this config before the program runs (a declared key missing, or a value
   * not of its declared type: infra/offline/cli-config.ts), with its own message.
   */
  byCli?: boolean;
}

/** One test per rule: the stack run with the case's config stops with a RunError saying each fragment. */
export function itRefuses(stack: string, packagesDir: () => string, cases: readonly RefusalCase[]): void {
  for (const c of cases) {
    it(`refuses: ${c.rule}`, async () => {
      const error = await runError(stack, packagesDir(), { overrides: c.overrides, remove: c.remove });
      if (c.byCli) expect(error.name, error.stack).to.equal('CliConfigError');
      else expect(pulumi.RunError.isInstance(error), error.stack).to.equal(true);
      for (const fragment of c.says) expect(error.message).to.include(fragment);
    });
  }
}
