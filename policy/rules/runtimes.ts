/**
 * Functions run on a runtime on the supported list: Node.js 22, the runtime the packages are
 * built and tested for (esbuild targets node22; Node 20 reached end of life on 2026-04-30,
 * https://nodejs.org/en/about/previous-releases). Identifiers as each cloud spells them:
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html,
 * https://learn.microsoft.com/azure/azure-functions/supported-languages,
 * https://cloud.google.com/functions/docs/runtime-support.
 */
import { ofType, violation, type Rule, type Violation } from '../resources';

const name = 'supported-runtime';

export const supportedRuntimes = {
  aws: ['nodejs22.x'],
  azure: ['node|22'],
  gcp: ['nodejs22'],
} as const;

export const runtimes: Rule = {
  name,
  description: `Functions run on a supported runtime (${Object.values(supportedRuntimes).flat().join(', ')}).`,
  check(resources) {
    const found: Violation[] = [];
    for (const fn of ofType(resources, 'aws:lambda/function:Function')) {
      const runtime = String(fn.props.runtime ?? '(container image)');
      if (!(supportedRuntimes.aws as readonly string[]).includes(runtime)) found.push(violation(name, fn, `runs on ${runtime}: set runtime to one of ${supportedRuntimes.aws.join(', ')}`));
    }
    for (const app of ofType(resources, 'azure-native:web:WebApp')) {
      const runtime = (app.props.functionAppConfig as { runtime?: { name?: string; version?: string } } | undefined)?.runtime;
      const id = runtime ? `${runtime.name}|${runtime.version}` : String((app.props.siteConfig as { linuxFxVersion?: string } | undefined)?.linuxFxVersion ?? 'none').toLowerCase();
      if (!(supportedRuntimes.azure as readonly string[]).includes(id)) found.push(violation(name, app, `runs on ${id}: set functionAppConfig.runtime to { name: "node", version: "22" }`));
    }
    for (const fn of ofType(resources, 'gcp:cloudfunctionsv2/function:Function', 'gcp:cloudfunctions/function:Function')) {
      const runtime = String((fn.props.buildConfig as { runtime?: string } | undefined)?.runtime ?? fn.props.runtime ?? 'none');
      if (!(supportedRuntimes.gcp as readonly string[]).includes(runtime)) found.push(violation(name, fn, `runs on ${runtime}: set buildConfig.runtime to one of ${supportedRuntimes.gcp.join(', ')}`));
    }
    return found;
  },
};
