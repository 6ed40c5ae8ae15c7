/**
 * The Azure stack's config under mocks: what Flex Consumption refuses is refused before anything
 * is declared, with a RunError naming the key, the value and what is allowed (instance memory
 * sizes, HTTP and event timeouts, maximum instance count, an open users API not declared public),
 * and what the stack may set (warm instances, larger functions, an alert address) reaches the
 * resources.
 */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { azureSubscriptionId } from '../../../infra/offline/azure-state';
import { eventGridResponseSeconds } from '../../../infra/limits';
import { itRefuses, removeDir, Resources, runError, runWith, type RecordedResource, type RefusalCase } from '../harness';
import { fakeAppPackage, T } from './azure-support';

const stack = 'dev-azure';
const key = (k: string) => `"multicloud-functions:${k}"`;
const platform = 'Azure Functions Flex Consumption';

const cases: RefusalCase[] = [
  { rule: 'an instance memory Flex Consumption does not offer', overrides: { instanceMemoryMb: 1024 }, says: [key('instanceMemoryMb'), 'is "1024"', 'allowed is one of 2048, 4096'] },
  // Documented, reported refused by the service (Azure/azure-rest-api-specs#40898): infra/azure/options.ts.
  { rule: 'a 512 MB instance', overrides: { instanceMemoryMb: 512 }, says: [key('instanceMemoryMb'), 'is "512"', 'allowed is 2048 or 4096', 'Azure/azure-rest-api-specs#40898'] },
  { rule: 'a function needing more than the largest instance', overrides: { functions: { images: { memoryMb: 4097 } } }, says: [key('functions.images.memoryMb'), 'is 4097', `allowed is an integer from 1 to 4096 MB on ${platform}`] },
  { rule: 'an HTTP timeout past the 230 s response limit', overrides: { functions: { users: { timeoutSeconds: 231 } } }, says: [key('functions.users.timeoutSeconds'), 'is 231', 'allowed is an integer from 1 to 230 s for a http function', platform] },
  { rule: 'a queue timeout past 60 minutes', overrides: { functions: { orders: { timeoutSeconds: 3601 } } }, says: [key('functions.orders.timeoutSeconds'), 'is 3601', 'allowed is an integer from 1 to 3600 s for a queue function'] },
  { rule: 'an images timeout past 60 minutes', overrides: { functions: { images: { timeoutSeconds: 3601 } } }, says: [key('functions.images.timeoutSeconds'), 'is 3601', 'allowed is an integer from 1 to 3600 s for a object-created function'] },
  { rule: 'a maximum instance count under 1', overrides: { maximumInstanceCount: 0 }, says: [key('maximumInstanceCount'), 'is "0"', 'allowed is an integer from 1 to 1000'] },
  { rule: 'a maximum instance count over 1000', overrides: { maximumInstanceCount: 1001 }, says: [key('maximumInstanceCount'), 'is "1001"', 'allowed is an integer from 1 to 1000'] },
  { rule: 'more always-ready instances in a group than 1000', overrides: { functions: { users: { warmInstances: 1001 } } }, says: [key('functions.users.warmInstances'), 'is 1001', 'allowed is an integer from 0 to 1000'] },
  { rule: 'a storage account name Azure refuses', overrides: { storageAccountName: 'Mcf-Data' }, says: [key('storageAccountName'), 'is "Mcf-Data"', 'allowed is 3-24 lower-case letters and digits'] },
  { rule: 'no region', remove: ['azure-native:location'], says: ['"azure-native:location" is undefined', 'allowed is an Azure region that offers Flex Consumption'] },
  { rule: 'usersPublic is a boolean', overrides: { usersPublic: 'yes' }, byCli: true, says: ["Stack 'dev-azure' with configuration key 'usersPublic' must be of type 'boolean'"] },
  // The HTTP trigger is anonymous (adapters/azure/users.ts): without tokens the API is open.
  { rule: 'a users API without tokens not declared public', remove: ['usersPublic'], says: [key('usersPublic'), 'is false', 'allowed is true when jwtIssuer is unset: the azure users API then checks no token', 'Set jwtIssuer and jwtAudience'] },
  { rule: 'a users API without tokens declared private', overrides: { usersPublic: false }, says: [key('usersPublic'), 'is false', 'true when jwtIssuer is unset'] },
];

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

  itRefuses(stack, () => packages, cases);

  it('stops with the command to run when the package is missing', async () => {
    const empty = fakeAppPackage();
    removeDir(`${empty}/azure`);
    try {
      const error = await runError(stack, empty, {});
      expect(pulumi.RunError.isInstance(error), error.stack).to.equal(true);
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

  it('accepts an images timeout past Event Grid\'s 30 s response window: a redelivery is skipped by the core, so only retries and dead-lettering are set', async () => {
    // Event Grid retries an Azure Function that has not answered in 30 s (limits.ts explains why
    // that is not a cap); the images spec's own 60 s is already past it.
    const timeoutSeconds = 600;
    expect(timeoutSeconds).to.be.greaterThan(eventGridResponseSeconds);
    const run = await runWith(stack, packages, { overrides: { functions: { images: { timeoutSeconds } } } });
    const r = new Resources(run.resources);
    expect(settingOf(r.get(T.app, 'functions-app'), 'AzureFunctionsJobHost__functionTimeout')).to.equal('00:10:00');
    const subscription = r.get(T.subscription, 'uploads-originals-created').inputs;
    // One event per call, retried (30 attempts by default, room for the redeliveries of long runs)
    // then dead-lettered: a redelivery never loses an upload.
    expect(subscription.destination).to.deep.include({ endpointType: 'AzureFunction', maxEventsPerBatch: 1 });
    expect(subscription.retryPolicy).to.deep.equal({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 });
    expect(subscription.deadLetterWithResourceIdentity).to.not.equal(undefined);
  });

  it('deploys a users API without tokens when the stack declares it public, and one with tokens without the declaration', async () => {
    const open = new Resources((await runWith(stack, packages, { overrides: { usersPublic: true } })).resources);
    expect(settingOf(open.get(T.app, 'functions-app'), 'USERS_JWT_ISSUER')).to.equal(undefined);
    const verified = new Resources((await runWith(stack, packages, { overrides: { usersPublic: false, jwtIssuer: 'https://issuer.example', jwtAudience: 'users-api' } })).resources);
    expect(settingOf(verified.get(T.app, 'functions-app'), 'USERS_JWT_ISSUER')).to.equal('https://issuer.example');
  });

  it('picks the smallest instance that fits when the stack sets none, never 512 MB (reported refused)', async () => {
    const run = await runWith(stack, packages, { remove: ['instanceMemoryMb'], overrides: { functions: { images: { memoryMb: 512 } } } });
    expect(scaleOf(new Resources(run.resources).get(T.app, 'functions-app')).instanceMemoryMB).to.equal(2048);
  });
});
