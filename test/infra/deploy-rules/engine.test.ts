/**
 * The Pulumi engine's own rules, checked on every stack file before any cloud's: the CLI's config
 * validation (infra/offline/cli-config.ts, ported from pulumi/pulumi) and the program running in
 * preview mode as `pulumi preview` runs it. docs/deploy-rules.md, "The Pulumi engine".
 */
import * as pulumi from '@pulumi/pulumi';
import { expect } from 'chai';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OneDeployProvider, type CodeDeploymentInputs, type CodeDeploymentOutputs } from '../../../infra/azure/one-deploy';
import { loadStackConfig, stackFiles } from '../../../infra/offline/run-stack';
import { graphCommand } from '../../../scripts/graph';
import { allSpecs } from '../../../handlers/specs';
import { packageEntry } from '../../../infra/aws/function';
import { fakePackages } from '../harness';
import { projectRoot } from '../../../infra/packages';
import { removeDir } from '../harness';
import { committedStack, deployError, modes, stacks } from './support';

/** A project directory with this Pulumi.yaml (or the repository's) and one stack file. */
function projectWith(stackFile: string[], projectFile?: string[]): { root: string; load: (options?: Parameters<typeof loadStackConfig>[2]) => ReturnType<typeof loadStackConfig> } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mcf-engine-'));
  if (projectFile) writeFileSync(path.join(root, 'Pulumi.yaml'), projectFile.join('\n'));
  else copyFileSync(path.join(projectRoot, 'Pulumi.yaml'), path.join(root, 'Pulumi.yaml'));
  writeFileSync(path.join(root, 'Pulumi.test.yaml'), ['config:', ...stackFile.map((l) => `  ${l}`), ''].join('\n'));
  return { root, load: (options) => loadStackConfig('test', root, options) };
}

const demo = ['name: demo', 'runtime: nodejs', 'config:'];

describe('deploy rules: the Pulumi engine', function () {
  this.timeout(120000);
  const roots: string[] = [];
  const project = (stackFile: string[], projectFile?: string[]) => {
    const p = projectWith(stackFile, projectFile);
    roots.push(p.root);
    return p.load;
  };
  after(() => roots.forEach(removeDir));

  describe('the CLI refuses a stack before the program runs (pulumi/pulumi sdk/go/common/workspace/config.go, mergeConfig)', () => {
    // Source: mergeConfig + missingStackConfigurationKeysError/formatMissingKeys in config.go.
    it('a project key declared without default or value is required, with the CLI message', () => {
      const load = project(['demo:region: x'], [...demo, '  name:', '    type: string', '  size:', '    type: integer', '  zone:', '    description: untyped', '  region:', '    type: string']);
      expect(() => load()).to.throw("Stack 'test' is missing configuration values 'name', 'size' and 'zone'");
      expect(() => load({ overrides: { name: 'a', size: 1 } })).to.throw("Stack 'test' is missing configuration value 'zone'");
      expect(() => load({ overrides: { name: 'a', zone: 'z' } })).to.throw("Stack 'test' is missing configuration value 'size'");
    });

    // Source: mergeConfig (the default or value fills the stack), RewriteShorthandConfigValues in project.go.
    it('a default, a value or the shorthand `key: value` makes a key optional; other namespaces are never required', () => {
      const load = project([], [...demo, '  size:', '    type: integer', '    default: 3', '  mode: fast', '  aws:region: eu-west-1', '  flag:', '    value: true']);
      expect(load().config).to.deep.equal({ 'demo:size': '3', 'demo:mode': 'fast', 'aws:region': 'eu-west-1', 'demo:flag': 'true' });
    });

    // Source: validateStackConfigValues / validateStackConfigValue + ValidateConfigValue (project.go).
    it('a typed key must have its type once merged', () => {
      const load = project(['demo:size: "12"', 'demo:on: "true"', 'demo:hosts: [a, b]'],
        [...demo, '  size:', '    type: integer', '  on:', '    type: boolean', '  hosts:', '    type: array', '    items:', '      type: string']);
      expect(load().config).to.include({ 'demo:size': '12', 'demo:on': 'true', 'demo:hosts': '["a","b"]' });
      expect(() => load({ overrides: { size: 'twelve' } })).to.throw("Stack 'test' with configuration key 'size' must be of type 'integer'");
      expect(() => load({ overrides: { on: 'yes' } })).to.throw("Stack 'test' with configuration key 'on' must be of type 'boolean'");
      // A comma-separated string is not a list for a key declared as an array (pulumi config set --path 'hosts[0]' a).
      expect(() => load({ overrides: { hosts: 'a,b' } })).to.throw("Stack 'test' with configuration key 'hosts' must be of type 'array<string>'");
      expect(() => load({ overrides: { hosts: [1, 2] } })).to.throw("must be of type 'array<string>'");
    });

    // Source: validateStackConfigValue, the Secret check.
    it('a key declared secret must be encrypted in the stack file', () => {
      const load = project(['demo:token: plain'], [...demo, '  token:', '    type: string', '    secret: true']);
      expect(() => load()).to.throw("Stack 'test' with configuration key 'token' must be encrypted as it's secret");
      expect(project(['demo:token:', '  secure: AAABAKn0xyz'], [...demo, '  token:', '    type: string', '    secret: true'])().secretKeys).to.deep.equal(['demo:token']);
    });

    // Source: Project.Validate in project.go.
    it('refuses a Pulumi.yaml the CLI refuses', () => {
      expect(() => project([], [...demo, '  hosts:', '    type: array'])()).to.throw("The configuration key 'hosts' declares an array but does not specify the underlying type via the 'items' attribute");
      expect(() => project([], [...demo, '  size:', '    type: integer', '    default: big'])()).to.throw("The default value specified for configuration key 'size' is not of the expected type 'integer'");
      expect(() => project([], [...demo, '  aws:region:', '    type: string', '    value: x'])()).to.throw("Configuration key 'aws:region' is not namespaced by the project and should not define a type");
      expect(() => project([], [...demo, '  aws:region:', '    default: x'])()).to.throw("should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?");
    });
  });

  describe("this project's Pulumi.yaml and stack files", () => {
    for (const stack of stackFiles()) {
      // Source: mergeConfig; failed on every stack before Pulumi.yaml gave its optional keys a default.
      it(`Pulumi.${stack}.yaml passes the CLI's config validation`, () => {
        expect(() => loadStackConfig(stack)).to.not.throw();
      });
    }

    // Source: mergeConfig. A new user copies a stack file and keeps only what it must say.
    it('a stack file that sets only `cloud` (and its region) passes it too: `cloud` is the one required key', () => {
      for (const [cloud, region] of [['aws', 'aws:region: eu-west-1'], ['azure', 'azure-native:location: swedencentral'], ['gcp', 'gcp:region: europe-west1']]) {
        const load = project([`multicloud-functions:cloud: ${cloud}`, region]);
        expect(load().config).to.include({ 'multicloud-functions:cloud': cloud, 'multicloud-functions:namePrefix': '', 'multicloud-functions:corsOrigins': '[]' });
      }
      expect(() => project(['aws:region: eu-west-1'])()).to.throw("Stack 'test' is missing configuration value 'cloud'");
    });

    it('the offline runner stops on the CLI rule before the program runs, in both modes', async () => {
      for (const mode of modes) {
        const error = await deployError('dev', mode, { remove: ['cloud'] });
        expect(error.message).to.equal("Stack 'dev' is missing configuration value 'cloud'");
      }
    });
  });

  describe('preview mode: the program as `pulumi preview` runs it (unknown outputs, no apply on unknowns)', () => {
    it('npm run graph -- <stack> --preview lists the same resources as without it', async () => {
      const packages = fakePackages('aws', allSpecs.map((x) => x.name), packageEntry);
      roots.push(packages);
      const rows = async (...flags: string[]) => {
        const result = await graphCommand(['dev', '--json', ...flags, '--config', `packagesDir=${packages}`]);
        expect(result.code, result.stderr).to.equal(0);
        return (JSON.parse(result.stdout) as { resources: { type: string; name: string }[] }).resources.map((r) => `${r.type} ${r.name}`);
      };
      expect(await rows('--preview')).to.deep.equal(await rows());
    });

    // Source: Pulumi docs, dynamic providers (https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/):
    // preview calls check and diff, never create or update. The One Deploy provider must not reach Azure there.
    it('the dynamic provider (Azure One Deploy) has no check or read, and diffs without a token or a request', async () => {
      const provider = new OneDeployProvider(() => Promise.reject(new Error('preview asked for a token')));
      const asProvider: pulumi.dynamic.ResourceProvider = provider;
      expect([asProvider.check, asProvider.read]).to.deep.equal([undefined, undefined]);
      const olds: CodeDeploymentOutputs = { appId: '/sites/a', scmUrl: 'https://a.scm', armUrl: 'https://arm', packageDirectory: 'dist/azure/app', contentHash: 'aGFzaA==', functions: ['images'], timeoutSeconds: 600, pollSeconds: 5, listedFunctions: ['images'] };
      const news: CodeDeploymentInputs = { ...olds, contentHash: 'bmV3' };
      const diff = await provider.diff('id', olds, news);
      expect(diff).to.deep.include({ changes: true, replaces: [] });
    });

    for (const stack of stacks()) {
      // Source: @pulumi/pulumi runtime/rpc.ts resolveProperties (outputs left out are unknown when isDryRun);
      // a program that needs a computed value to declare a resource shows a smaller plan in preview.
      it(`${stack}: runs without error or hang and previews every resource up creates`, async () => {
        const [up, preview] = await Promise.all([committedStack(stack, 'up'), committedStack(stack, 'preview')]);
        const names = (d: typeof up) => d.resources.map((r) => `${r.type} ${r.name}`).sort();
        expect(preview.resources.length).to.be.greaterThan(0);
        expect(names(preview)).to.deep.equal(names(up));
      });
    }
  });
});
