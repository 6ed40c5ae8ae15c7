/**
 * A thin local helper for the Azure deploy-rules tests: the Azure stack run offline (the inputs the
 * mocks receive are what goes over the wire, azure-native's provideDefaults applied), and the
 * app's settings. The engine/AWS suite (issue 16) brings a shared support module; the two are
 * reconciled there.
 */
import { fakeAppPackage } from '../azure/azure-support';
import { removeDir, Resources, runWith, type RecordedResource, type StackRun } from '../harness';
import type { RunOptions } from '../../../infra/offline/run-stack';

export { T } from '../azure/azure-support';

/** Runs the dev-azure stack (or a variant) with a stand-in app package; cleans the package up. */
export async function azureStack(options: RunOptions = {}): Promise<{ run: StackRun; r: Resources }> {
  const packages = fakeAppPackage();
  try {
    const run = await runWith('dev-azure', packages, options);
    return { run, r: new Resources(run.resources) };
  } finally {
    removeDir(packages);
  }
}

/** The app settings of the function app, by name. */
export function appSettingsOf(app: RecordedResource): Record<string, unknown> {
  const site = app.inputs.siteConfig as { appSettings?: { name: string; value: unknown }[] } | undefined;
  return Object.fromEntries((site?.appSettings ?? []).map((s) => [s.name, s.value]));
}
