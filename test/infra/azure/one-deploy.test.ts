/**
 * The One Deploy provider against a local stand-in for Kudu and ARM on 127.0.0.1: what it sends
 * (the zip, the bearer token), how it waits (deployment status, function list), when it fails,
 * and its diff rules (per property: replace or update). The stand-in answers as Kudu and ARM
 * document: 202 + Location from /api/publish, DeployStatus 4/3, `value[].properties.name` from
 * `<site>/functions`.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import JSZip from 'jszip';
import { hashPackage } from '../../../infra/azure/app-package';
import { armScope } from '../../../infra/azure/one-deploy-client';
import { deploymentId, OneDeployProvider, type CodeDeploymentInputs, type CodeDeploymentOutputs } from '../../../infra/azure/one-deploy';
import { removeDir } from '../harness';
import { fakeAppPackage } from './azure-support';
import { KuduStandIn as StandIn } from './kudu-stand-in';

const appId = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/app';

describe('infra: the One Deploy provider against a local Kudu/ARM stand-in', function () {
  this.timeout(20000);
  let standIn: StandIn;
  let base: string;
  let packages: string;
  const scopes: string[] = [];
  const tokens = async (scope: string) => {
    scopes.push(scope);
    return 'entra-token';
  };

  beforeEach(async () => {
    standIn = new StandIn(appId);
    base = await standIn.start();
    packages = fakeAppPackage('exports.answer = 42;\n');
    scopes.length = 0;
  });
  afterEach(async () => {
    await standIn.stop();
    removeDir(packages);
  });

  function inputs(over: Partial<CodeDeploymentInputs> = {}): CodeDeploymentInputs {
    const dir = path.join(packages, 'azure', 'app');
    return { appId, scmUrl: base, armUrl: base, packageDirectory: dir, contentHash: hashPackage(dir), functions: ['images', 'users', 'orders'], timeoutSeconds: 5, pollSeconds: 0.01, ...over };
  }

  it('create: uploads the package zip with a bearer token, waits for the deployment and for the three functions', async () => {
    const result = await new OneDeployProvider(tokens).create(inputs());
    expect(result.id).to.equal(deploymentId(inputs()));
    expect((result.outs as CodeDeploymentOutputs).listedFunctions).to.deep.equal(['images', 'orders', 'users']);

    const publish = standIn.seen.find((s) => s.method === 'POST')!;
    expect(publish.authorization).to.equal('Bearer entra-token');
    const zip = await JSZip.loadAsync(publish.body, { checkCRC32: true });
    expect(Object.keys(zip.files).sort()).to.deep.equal(['dist/index.js', 'host.json', 'package.json']);
    expect(await zip.file('dist/index.js')!.async('string')).to.equal('exports.answer = 42;\n');
    // Polled the status until complete, then the list until all three were there.
    expect(standIn.statusPolls).to.equal(2);
    expect(standIn.functionPolls).to.equal(3);
    expect(standIn.seen.every((s) => s.authorization === 'Bearer entra-token')).to.equal(true);
    expect(new Set(scopes)).to.deep.equal(new Set([armScope]));
  });

  it('zips deterministically: the same files give the same bytes', async () => {
    const first = inputs();
    await new OneDeployProvider(tokens).create(first);
    const second = new StandIn(appId);
    const secondBase = await second.start();
    try {
      await new OneDeployProvider(tokens).create({ ...first, scmUrl: secondBase, armUrl: secondBase });
      const a = standIn.seen.find((s) => s.method === 'POST')!.body;
      const b = second.seen.find((s) => s.method === 'POST')!.body;
      expect(a.equals(b)).to.equal(true);
    } finally {
      await second.stop();
    }
  });

  it('update: deploys the new package and reports what is listed', async () => {
    const result = await new OneDeployProvider(tokens).update('id', { ...inputs(), contentHash: 'old', listedFunctions: [] }, inputs());
    expect((result.outs as CodeDeploymentOutputs).contentHash).to.equal(inputs().contentHash);
    expect(standIn.seen.filter((s) => s.method === 'POST')).to.have.length(1);
  });

  it('fails at once with the platform answer when One Deploy refuses the package for good (404)', async () => {
    standIn.publishStatus = 404;
    const error = await new OneDeployProvider(tokens).create(inputs()).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/answered 404 after \d+ s: publish refused \(404\)/);
    expect(standIn.publishAttempts).to.equal(1);
  });

  // Role assignments take up to 10 minutes to take effect
  // (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected):
  // the app's identity writes the package with roles granted seconds before.
  it('retries 401, 403, 409 and 5xx with backoff, then deploys, reporting what it waited for', async () => {
    standIn.publishStatuses = [403, 401, 409, 503];
    const result = await new OneDeployProvider(tokens).create(inputs());
    const outs = result.outs as CodeDeploymentOutputs;
    expect(outs.listedFunctions).to.deep.equal(['images', 'orders', 'users']);
    expect(standIn.publishAttempts).to.equal(5);
    expect(outs.publishWaits).to.have.length(4);
    expect(outs.publishWaits!.map((w) => w.split(' ')[0])).to.deep.equal(['403', '401', '409', '503']);
    expect(outs.publishWaits![0]).to.match(/^403 after \d+ s: publish refused \(403\)$/);
    // Every attempt carried a token and the whole package.
    const posts = standIn.seen.filter((s) => s.method === 'POST');
    expect(posts.every((p) => p.authorization === 'Bearer entra-token' && p.body.equals(posts[0].body))).to.equal(true);
  });

  it('reports no waits when the package is accepted at once', async () => {
    const outs = (await new OneDeployProvider(tokens).create(inputs())).outs as CodeDeploymentOutputs;
    expect(outs.publishWaits).to.deep.equal([]);
  });

  it('gives up after publishRetrySeconds, naming the answer, the attempts and role propagation', async () => {
    standIn.publishStatus = 403;
    const error = await new OneDeployProvider(tokens).create(inputs({ publishRetrySeconds: 0.3, pollSeconds: 0.05 })).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/answered 403 after \d+ s: publish refused \(403\) \(gave up after \d+ attempts over \d+ s\)/);
    expect(error?.message).to.include('role assignments take up to 10 minutes to take effect');
    expect(standIn.publishAttempts).to.be.greaterThan(1);
  });

  it('fails when the deployment fails (DeployStatus 3), naming the reason', async () => {
    standIn.statuses = [{ complete: true, status: 3, status_text: 'package has no host.json' }];
    const error = await new OneDeployProvider(tokens).create(inputs()).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/failed: package has no host\.json/);
    expect(standIn.functionPolls).to.equal(0);
  });

  it('gives up when a function never appears, naming the ones listed', async () => {
    standIn.lists = [['images', 'users']];
    const error = await new OneDeployProvider(tokens).create(inputs({ timeoutSeconds: 0.2, pollSeconds: 0.05 })).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/waiting for the functions images, users, orders to be listed \(listed: images, users\)/);
  });

  describe('diff', () => {
    const provider = new OneDeployProvider(tokens);
    const olds = (): CodeDeploymentOutputs => ({ ...inputs(), listedFunctions: ['images', 'orders', 'users'] });

    it('sees no change for the same package, whatever order the functions are listed in', async () => {
      const result = await provider.diff('id', olds(), { ...inputs(), functions: ['orders', 'users', 'images'] });
      expect(result).to.deep.equal({ changes: false, replaces: [], deleteBeforeReplace: false, detailedDiff: {} });
    });

    it('sees no change when the same package is deployed from another checkout or with other waits', async () => {
      const result = await provider.diff('id', olds(), { ...inputs(), packageDirectory: '/elsewhere/dist/azure/app', timeoutSeconds: 60, pollSeconds: 1 });
      expect(result).to.deep.include({ changes: false });
    });

    it('redeploys in place for a new content hash, endpoints or function list, naming the property as an update', async () => {
      for (const change of [{ contentHash: 'new' }, { scmUrl: 'https://other.scm.azurewebsites.net' }, { armUrl: 'https://management.example' }, { functions: ['images', 'users'] }]) {
        const result = await provider.diff('id', olds(), { ...inputs(), ...change });
        const [property] = Object.keys(change);
        expect(result, JSON.stringify(change)).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { [property]: { kind: 'update', inputDiff: false } } });
      }
    });

    it('replaces the deployment for another app, naming appId as the replacing property', async () => {
      const result = await provider.diff('id', olds(), { ...inputs(), appId: `${appId}-2` });
      expect(result).to.deep.equal({ changes: true, replaces: ['appId'], deleteBeforeReplace: false, detailedDiff: { appId: { kind: 'updateReplace', inputDiff: false } } });
    });

    it('tells replace from update per property when both change, and leaves paths and waits out', async () => {
      const result = await provider.diff('id', olds(), { ...inputs(), appId: `${appId}-2`, contentHash: 'new', packageDirectory: '/elsewhere', timeoutSeconds: 60 });
      expect(result.replaces).to.deep.equal(['appId']);
      expect(result.detailedDiff).to.deep.equal({
        appId: { kind: 'updateReplace', inputDiff: false },
        contentHash: { kind: 'update', inputDiff: false },
      });
    });

    it('sees the function list as added when the old state has none', async () => {
      const { functions: _dropped, ...older } = olds();
      const result = await provider.diff('id', older as CodeDeploymentOutputs, inputs());
      expect(result).to.deep.include({ changes: true, replaces: [] });
      expect(result.detailedDiff).to.deep.equal({ functions: { kind: 'add', inputDiff: false } });
    });
  });
});
