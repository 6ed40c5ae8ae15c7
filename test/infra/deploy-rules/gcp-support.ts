/**
 * A thin helper for the Google Cloud deploy-rules tests: runs the dev-gcp stack (and its config
 * variants) under the offline mocks with stand-in packages, and follows dependencies through the
 * recorded graph. The wire inputs are what the mocks receive (test/infra/harness.ts); the lead
 * folds this into the shared deploy-rules support module of the engine/AWS suite.
 */
import { allSpecs } from '../../../handlers/specs';
import { packageEntry } from '../../../infra/gcp/function';
import { fakePackages, removeDir, Resources, runError, runWith, type RecordedResource, type StackRun } from '../harness';

export const stack = 'dev-gcp';

/** Stand-in packages for the three functions, made before and removed after a suite. */
export function gcpPackages(): { dir: () => string } {
  let dir = '';
  before(() => {
    dir = fakePackages('gcp', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(dir));
  return { dir: () => dir };
}

export async function runGcp(packages: string, overrides: Record<string, unknown> = {}): Promise<{ run: StackRun; r: Resources }> {
  const run = await runWith(stack, packages, { overrides });
  return { run, r: new Resources(run.resources) };
}

export function gcpError(packages: string, overrides: Record<string, unknown>): Promise<Error> {
  return runError(stack, packages, { overrides });
}

/** Every resource `resource` waits for, directly or through what it waits for. */
export function waitsFor(r: Resources, resource: RecordedResource): Set<string> {
  const seen = new Set<string>();
  const stack = [...resource.dependencies];
  while (stack.length > 0) {
    const urn = stack.pop()!;
    if (seen.has(urn)) continue;
    seen.add(urn);
    stack.push(...r.byUrn(urn).dependencies);
  }
  return seen;
}

/** The Google Cloud resources the stack declares (components excluded). */
export function cloudResources(r: Resources): RecordedResource[] {
  return r.all.filter((x) => x.custom && x.type.startsWith('gcp:'));
}
