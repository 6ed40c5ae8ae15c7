/**
 * The Azure stack's config under mocks: what Flex Consumption refuses is refused before anything
 * is declared (instance memory sizes, HTTP and event timeouts, maximum instance count), and what
 * the stack may set (warm instances, larger functions, an alert address) reaches the resources.
 */
import { expect } from 'chai';
import { azureSubscriptionId } from '../../../infra/offline/azure-state';
import { removeDir, Resources, runError, runWith, type RecordedResource } from '../harness';
import { fakeAppPackage, T } from './azure-support';

const stack = 'dev-azure';

function scaleOf(app: RecordedResource): Record<string, unknown> {
  return (app.inputs.functionAppConfig as { scaleAndConcurrency: Record<string, unknown> }).scaleAndConcurrency;
}

function settingOf(app: RecordedResource, name: string): unknown {
  return (app.inputs.siteConfig as { appSettings: { name: string; value: unknown }[] }).appSettings.find((s) => s.name === name)?.value;
}

describe('infra: the Azure stack config against Flex Consumption limits', function () {
  this.timeout(120000);
  let packages: string;
  before(() => {
    packages = fakeAppPackage();
  });
  after(() => removeDir(packages));

  const refusals: { what: string; overrides?: Record<string, unknown>; remove?: string[]; message: RegExp }[] = [
    { what: 'an instance memory Flex Consumption does not offer', overrides: { instanceMemoryMb: 1024 }, message: /"multicloud-functions:instanceMemoryMb" is "1024": allowed is one of 512, 2048, 4096/ },
    { what: 'an instance smaller than the largest function', overrides: { instanceMemoryMb: 512 }, message: /instanceMemoryMb" is 512: allowed is 2048 or 4096: the images function needs 1024 MB/ },
    { what: 'a function needing more than the largest instance', overrides: { functions: { images: { memoryMb: 4097 } } }, message: /functions\.images\.memoryMb" is 4097: allowed is an integer from 1 to 4096 MB on Azure Functions Flex Consumption/ },
    { what: 'an HTTP timeout past the 230 s response limit', overrides: { functions: { users: { timeoutSeconds: 231 } } }, message: /functions\.users\.timeoutSeconds" is 231: allowed is an integer from 1 to 230 s for a http function/ },
    { what: 'a queue timeout past 60 minutes', overrides: { functions: { orders: { timeoutSeconds: 3601 } } }, message: /functions\.orders\.timeoutSeconds" is 3601: allowed is an integer from 1 to 3600 s for a queue function/ },
    { what: 'a maximum instance count under 1', overrides: { maximumInstanceCount: 0 }, message: /maximumInstanceCount" is "0": allowed is an integer from 1 to 1000/ },
    { what: 'a maximum instance count over 1000', overrides: { maximumInstanceCount: 1001 }, message: /maximumInstanceCount" is "1001": allowed is an integer from 1 to 1000/ },
    { what: 'more always-ready instances in a group than 1000', overrides: { functions: { users: { warmInstances: 1001 } } }, message: /functions\.users\.warmInstances" is 1001: allowed is an integer from 0 to 1000/ },
    { what: 'a storage account name Azure refuses', overrides: { storageAccountName: 'Mcf-Data' }, message: /storageAccountName" is "Mcf-Data": allowed is 3-24 lower-case letters and digits/ },
    { what: 'no region', remove: ['azure-native:location'], message: /"azure-native:location" is undefined: allowed is an Azure region that offers Flex Consumption/ },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.what}`, async () => {
      const error = await runError(stack, packages, { overrides: refusal.overrides, remove: refusal.remove });
      expect(error.message).to.match(refusal.message);
    });
  }

  it('stops with the command to run when the package is missing', async () => {
    const empty = fakeAppPackage();
    removeDir(`${empty}/azure`);
    try {
      const error = await runError(stack, empty, {});
      expect(error.message).to.match(/azure package is missing: .*host\.json does not exist\. Build the packages first with: npm run package/);
    } finally {
      removeDir(empty);
    }
  });

  it('sizes the app for its largest function, keeps warm instances in their groups (outside the maximum), and mails alerts when asked', async () => {
    const run = await runWith(stack, packages, {
      remove: ['instanceMemoryMb'],
      overrides: {
        // Always-ready instances do not count toward the maximum instance count: 3 warm, maximum 2.
        maximumInstanceCount: 2,
        functions: { images: { memoryMb: 3000 }, users: { warmInstances: 2 }, orders: { warmInstances: 1, timeoutSeconds: 600 } },
        alertEmail: 'ops@example.com',
      },
    });
    const r = new Resources(run.resources);
    const app = r.get(T.app, 'functions-app');
    expect(scaleOf(app)).to.deep.equal({
      instanceMemoryMB: 4096,
      maximumInstanceCount: 2,
      alwaysReady: [{ name: 'http', instanceCount: 2 }, { name: 'function:orders', instanceCount: 1 }],
    });
    // The longest timeout (orders, 600 s) is the app's.
    expect(settingOf(app, 'AzureFunctionsJobHost__functionTimeout')).to.equal('00:10:00');
    const group = r.get(T.actionGroup, 'alarms-mail');
    expect(group.inputs.emailReceivers).to.deep.equal([{ name: 'owner', emailAddress: 'ops@example.com', useCommonAlertSchema: true }]);
    const groupId = `/subscriptions/${azureSubscriptionId}/resourceGroups/mcf-dev-azure-rg/providers/Microsoft.Insights/actionGroups/mcf-dev-azure-alerts`;
    for (const rule of r.ofType(T.queryRule)) expect(rule.inputs.actions, rule.name).to.deep.equal({ actionGroups: [groupId] });
    expect(r.get(T.metricAlert, 'alarms-event-dead-letters').inputs.actions).to.deep.equal([{ actionGroupId: groupId }]);
  });

  it('picks the smallest instance that fits when the stack sets none', async () => {
    const run = await runWith(stack, packages, { remove: ['instanceMemoryMb'], overrides: { functions: { images: { memoryMb: 512 } } } });
    expect(scaleOf(new Resources(run.resources).get(T.app, 'functions-app')).instanceMemoryMB).to.equal(512);
  });
});
