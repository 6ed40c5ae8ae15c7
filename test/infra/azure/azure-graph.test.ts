/** `npm run graph -- dev-azure` prints the Azure stack: every component and the code deployment in its place. */
import { expect } from 'chai';
import { functionAppName } from '../../../infra/azure/names';
import { azureSubscriptionId } from '../../../infra/offline/azure-state';
import { graphCommand } from '../../../scripts/graph';
import { removeDir } from '../harness';
import { fakeAppPackage, T } from './azure-support';

describe('infra: npm run graph -- dev-azure', function () {
  this.timeout(120000);
  let packages: string;
  before(() => {
    packages = fakeAppPackage();
  });
  after(() => removeDir(packages));

  it('lists the Azure stack offline, the code deployment between the app and the blob subscription', async () => {
    const result = await graphCommand(['dev-azure', '--json', '--config', `packagesDir=${packages}`]);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    const graph = JSON.parse(result.stdout) as { resources: { type: string; name: string; parent: string; dependsOn: string[] }[]; outputs: Record<string, unknown> };
    const components = graph.resources.filter((r) => r.type.startsWith('multicloud:azure:')).map((r) => r.name).sort();
    expect(components).to.deep.equal(['alarms', 'app', 'functions', 'monitoring', 'orders-pipeline', 'storage', 'tables', 'uploads']);
    const code = graph.resources.find((r) => r.type === T.code)!;
    expect(code.dependsOn).to.include('functions-app');
    const subscription = graph.resources.find((r) => r.type === T.subscription)!;
    expect(subscription).to.deep.include({ name: 'uploads-originals-created', parent: 'uploads' });
    expect(subscription.dependsOn).to.include('code');
    expect(graph.outputs.functionAppName).to.equal(functionAppName('mcf-dev-azure', azureSubscriptionId, 'mcf-dev-azure-rg'));
  });
});
