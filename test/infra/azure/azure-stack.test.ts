/**
 * The Azure dev stack (Pulumi.dev-azure.yaml) under mocks: the plan and the app's
 * functionAppConfig, every role assignment, the blob events subscription, the lifecycle rule,
 * HTTPS/TLS, the app settings the adapters read, the code deployment's place, and the outputs.
 */
import { expect } from 'chai';
import Module from 'node:module';
import * as path from 'node:path';
import { azureSettingNames, azureEnvironment as env } from '../../../adapters/azure/environment';
import { builtInRoles } from '../../../infra/azure/identity';
import { hashPackage } from '../../../infra/azure/app-package';
import { defaultStorageAccountName, functionAppName, orderEventsTopicName } from '../../../infra/azure/names';
import { azureSubscriptionId } from '../../../infra/offline/azure-state';
import { projectRoot } from '../../../infra/packages';
import { removeDir, Resources, runWith, type RecordedResource, type StackRun } from '../harness';
import { fakeAppPackage, T } from './azure-support';
import { identityHeader, KuduStandIn } from './kudu-stand-in';

const group = `/subscriptions/${azureSubscriptionId}/resourceGroups/mcf-dev-azure-rg`;
// The default name, derived from the (offline) subscription: Pulumi.dev-azure.yaml sets none.
const accountName = defaultStorageAccountName('mcf-dev-azure', azureSubscriptionId, 'mcf-dev-azure-rg');
const appName = functionAppName('mcf-dev-azure', azureSubscriptionId, 'mcf-dev-azure-rg');
const topicName = orderEventsTopicName('mcf-dev-azure', azureSubscriptionId, 'mcf-dev-azure-rg');
const accountId = `${group}/providers/Microsoft.Storage/storageAccounts/${accountName}`;
const appId = `${group}/providers/Microsoft.Web/sites/${appName}`;
const identityId = `${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mcf-dev-azure-app-identity`;
const role = (id: string) => `/subscriptions/${azureSubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${id}`;

interface SerializedProvider {
  configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  diff(id: string, olds: object, news: object): Promise<object>;
  create(inputs: object): Promise<{ id: string; outs: Record<string, unknown> }>;
}
/** Loads the provider text as the dynamic provider host does: a module whose `handler()` returns it. */
function loadSerializedProvider(text: string): SerializedProvider {
  const filename = path.join(projectRoot, 'serialized-provider.js');
  const loaded = new Module(filename) as Module & { _compile(code: string, file: string): void };
  loaded.filename = filename;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(projectRoot);
  loaded._compile(text, filename);
  return (loaded.exports as { handler(): SerializedProvider }).handler();
}

function settingsOf(app: RecordedResource): Record<string, unknown> {
  const list = (app.inputs.siteConfig as { appSettings: { name: string; value: unknown }[] }).appSettings;
  return Object.fromEntries(list.map((s) => [s.name, s.value]));
}

describe('infra: the Azure dev stack under mocks', function () {
  this.timeout(120000);
  let packages: string;
  let run: StackRun;
  let r: Resources;

  before(async () => {
    packages = fakeAppPackage();
    run = await runWith('dev-azure', packages);
    r = new Resources(run.resources);
  });
  after(() => removeDir(packages));

  it('puts the app on a Flex Consumption (FC1) Linux plan', () => {
    const plan = r.get(T.plan, 'functions-plan');
    expect(plan.inputs).to.deep.include({ sku: { name: 'FC1', tier: 'FlexConsumption' }, reserved: true, kind: 'functionapp', location: 'swedencentral' });
    const app = r.get(T.app, 'functions-app');
    expect(app.inputs.serverFarmId).to.equal(`${group}/providers/Microsoft.Web/serverfarms/mcf-dev-azure-plan`);
  });

  it('configures the app: node 22, identity-based deployment storage, memory and instances from the stack', () => {
    const app = r.get(T.app, 'functions-app');
    expect(app.inputs).to.include({ kind: 'functionapp,linux', httpsOnly: true, name: appName });
    expect(app.inputs.identity).to.deep.equal({ type: 'UserAssigned', userAssignedIdentities: [identityId] });
    expect(app.inputs.functionAppConfig).to.deep.equal({
      deployment: { storage: {
        type: 'blobContainer',
        value: `https://${accountName}.blob.core.windows.net/app-package`,
        authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId },
      } },
      runtime: { name: 'node', version: '22' },
      // Pulumi.dev-azure.yaml: instanceMemoryMb 2048, maximumInstanceCount 40; no warm instances.
      scaleAndConcurrency: { instanceMemoryMB: 2048, maximumInstanceCount: 40 },
    });
    // Nothing Flex Consumption refuses (test/infra/deploy-rules/azure.test.ts checks the list).
    expect(app.inputs.siteConfig).to.deep.include({ minTlsVersion: '1.2' }).and.not.to.have.property('ftpsState');
    // The host must be able to reach its storage at first start.
    const deps = r.dependenciesOf(app).filter((d) => d.type === T.roleAssignment).map((d) => d.name);
    expect(deps).to.include.members(['app-blobs', 'app-queues', 'app-tables']);
  });

  it('sets every app setting the adapters read (but the local-only ones), pointing at the stack resources', () => {
    const settings = settingsOf(r.get(T.app, 'functions-app'));
    const localOnly: string[] = [env.storage.connectionString, env.orders.eventsTopicKey];
    for (const name of azureSettingNames().filter((n) => !localOnly.includes(n))) expect(settings, name).to.have.property(name);
    for (const name of localOnly) expect(settings, name).not.to.have.property(name);
    expect(settings).to.include({
      [env.storage.blobServiceUrl]: `https://${accountName}.blob.core.windows.net/`,
      [env.storage.queueServiceUrl]: `https://${accountName}.queue.core.windows.net/`,
      [env.storage.tableServiceUrl]: `https://${accountName}.table.core.windows.net/`,
      [env.storage.managedIdentityClientId]: 'client-of-mcf-dev-azure-app-identity',
      [env.images.originalsContainer]: 'mcf-dev-azure-originals',
      [env.images.compressedContainer]: 'mcf-dev-azure-compressed',
      [env.images.deadLetterContainer]: 'mcf-dev-azure-images-dead-letters',
      [env.users.usersTable]: 'users',
      [env.orders.ordersQueue]: 'orders',
      [env.orders.ledgerTable]: 'orders',
      [env.orders.paymentsQueue]: 'payments',
      [env.orders.eventsTopicEndpoint]: `https://${topicName}.swedencentral-1.eventgrid.azure.net/api/events`,
      [env.orders.deadLetterContainer]: 'mcf-dev-azure-orders-dead-letters',
      AzureWebJobsStorage__accountName: accountName,
      AzureWebJobsStorage__credential: 'managedidentity',
      ORDERS_QUEUE_CONNECTION__queueServiceUri: `https://${accountName}.queue.core.windows.net/`,
      ORDERS_QUEUE_CONNECTION__credential: 'managedidentity',
      // The longest spec timeout (images, 60 s) for the whole app; maxDeliveries from the stack.
      AzureFunctionsJobHost__functionTimeout: '00:01:00',
      AzureFunctionsJobHost__extensions__queues__maxDequeueCount: '5',
      ORDERS_MAX_DELIVERIES: '5',
      USERS_CORS_ORIGINS: 'http://localhost:5173',
      // Telemetry to the workspace-based component, sent with the identity (local auth is off).
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=key-of-mcf-dev-azure-insights;IngestionEndpoint=https://swedencentral.in.applicationinsights.azure.com/',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=client-of-mcf-dev-azure-app-identity;Authorization=AAD',
    });
    // No key or connection string with a key anywhere.
    expect(Object.keys(settings).filter((k) => /^AzureWebJobsStorage$|KEY$|ACCOUNT_KEY/i.test(k))).to.deep.equal([]);
    expect(Object.values(settings).filter((v) => /AccountKey=/.test(String(v)))).to.deep.equal([]);
  });

  it('grants data-plane roles only, each on its scope', () => {
    const grants = r.ofType(T.roleAssignment).map((a) => ({ name: a.name, principal: a.inputs.principalId, role: a.inputs.roleDefinitionId, scope: a.inputs.scope }));
    const app = 'principal-of-mcf-dev-azure-app-identity';
    expect(grants).to.have.deep.members([
      { name: 'app-blobs', principal: app, role: role(builtInRoles.storageBlobDataOwner), scope: accountId },
      { name: 'app-queues', principal: app, role: role(builtInRoles.storageQueueDataContributor), scope: accountId },
      { name: 'app-tables', principal: app, role: role(builtInRoles.storageTableDataContributor), scope: accountId },
      { name: 'app-order-events', principal: app, role: role(builtInRoles.eventGridDataSender), scope: `${group}/providers/Microsoft.EventGrid/topics/${topicName}` },
      { name: 'app-telemetry', principal: app, role: role(builtInRoles.monitoringMetricsPublisher), scope: `${group}/providers/Microsoft.Insights/components/mcf-dev-azure-insights` },
      // Get User Delegation Key, for the users function's signed URLs: an account-level operation
      { name: 'app-signs-uploads', principal: app, role: role(builtInRoles.storageBlobDelegator), scope: accountId },
      // The system topic's identity may write the dead-letter container only.
      { name: 'uploads-events-dead-letters', principal: 'principal-of-mcf-dev-azure-blob-events', role: role(builtInRoles.storageBlobDataContributor), scope: `${accountId}/blobServices/default/containers/mcf-dev-azure-images-dead-letters` },
    ]);
    for (const a of r.ofType(T.roleAssignment)) expect(a.inputs.principalType, a.name).to.equal('ServicePrincipal');
  });

  it('subscribes the images function to BlobCreated in originals, image suffixes only, after the code is deployed', () => {
    const topic = r.get(T.systemTopic, 'uploads-events');
    expect(topic.inputs).to.deep.include({ source: accountId, topicType: 'Microsoft.Storage.StorageAccounts', identity: { type: 'SystemAssigned' } });
    const sub = r.get(T.subscription, 'uploads-originals-created');
    expect(sub.inputs.systemTopicName).to.equal('mcf-dev-azure-blob-events');
    expect(sub.inputs.destination).to.deep.equal({ endpointType: 'AzureFunction', resourceId: `${appId}/functions/images`, maxEventsPerBatch: 1 });
    expect(sub.inputs.filter).to.deep.equal({
      includedEventTypes: ['Microsoft.Storage.BlobCreated'],
      subjectBeginsWith: '/blobServices/default/containers/mcf-dev-azure-originals/blobs/',
      isSubjectCaseSensitive: false,
      advancedFilters: [{ operatorType: 'StringEndsWith', key: 'subject', values: ['.jpg', '.jpeg', '.png'] }],
    });
    expect(sub.inputs.retryPolicy).to.deep.equal({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 });
    expect(sub.inputs.deadLetterWithResourceIdentity).to.deep.equal({
      identity: { type: 'SystemAssigned' },
      deadLetterDestination: { endpointType: 'StorageBlob', resourceId: accountId, blobContainerName: 'mcf-dev-azure-images-dead-letters' },
    });
    const deps = r.dependenciesOf(sub).map((d) => `${d.type} ${d.name}`);
    expect(deps).to.include.members([`${T.code} code`, `${T.roleAssignment} uploads-events-dead-letters`]);
  });

  it('deletes originals after 30 days and nothing else', () => {
    const policy = r.get(T.policy, 'uploads-originals-expiry');
    expect(policy.inputs.managementPolicyName).to.equal('default');
    expect(policy.inputs.policy).to.deep.equal({ rules: [{
      name: 'expire-originals', enabled: true, type: 'Lifecycle',
      definition: { filters: { blobTypes: ['blockBlob'], prefixMatch: ['mcf-dev-azure-originals/'] }, actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 30 } } } },
    }] });
  });

  it('keeps the storage account HTTPS-only, TLS 1.2, private and keyless; the events topic keyless', () => {
    expect(r.get(T.account, 'storage-account').inputs).to.include({
      accountName: accountName, enableHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, allowSharedKeyAccess: false,
    });
    for (const c of r.ofType(T.container)) expect(c.inputs.publicAccess, c.name).to.equal('None');
    expect(r.get(T.topic, 'orders-pipeline-events').inputs).to.include({ disableLocalAuth: true, minimumTlsVersionAllowed: '1.2' });
    expect(r.get(T.component, 'monitoring-insights').inputs).to.include({ disableLocalAuth: true, ingestionMode: 'LogAnalytics', workspaceResourceId: `${group}/providers/Microsoft.OperationalInsights/workspaces/mcf-dev-azure-logs` });
  });

  it('deploys the code after the app, keyed on the package hash, through a provider that survives serialization', () => {
    const code = r.get(T.code, 'code');
    expect(code.inputs).to.deep.include({
      appId, scmUrl: `https://${appName}.scm.azurewebsites.net`, armUrl: 'https://management.azure.com',
      contentHash: hashPackage(`${packages}/azure/app`), functions: ['images', 'users', 'orders'],
    });
    expect(r.dependenciesOf(code).map((d) => `${d.type} ${d.name}`)).to.include(`${T.app} functions-app`);
    expect(String(code.inputs.__provider)).to.match(/exports\.handler/);
  });

  it('serializes a provider that loads on its own and diffs by content hash', async () => {
    const code = r.get(T.code, 'code');
    const provider = loadSerializedProvider(String(code.inputs.__provider));
    const olds = { ...code.inputs, listedFunctions: ['images', 'orders', 'users'] };
    expect(await provider.diff('id', olds, code.inputs)).to.deep.include({ changes: false });
    expect(await provider.diff('id', olds, { ...code.inputs, contentHash: 'another' })).to.deep.include({ changes: true, replaces: [] });
  });

  it('serializes a provider that deploys on its own, signed in as azure-native is (here azure-native:useMsi from the stack config)', async () => {
    // The provider as `pulumi up` runs it: from its serialized text, configured with the stack's
    // config as the engine passes it (pulumi/pulumi#17697), no test hooks. The token comes from a
    // managed identity endpoint (App Service's IDENTITY_ENDPOINT protocol) on the stand-in.
    const code = r.get(T.code, 'code');
    const standIn = new KuduStandIn(appId);
    const base = await standIn.start();
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
    process.env.IDENTITY_ENDPOINT = `${base}/msi/token`;
    process.env.IDENTITY_HEADER = identityHeader;
    const config: Record<string, string> = { 'azure-native:useMsi': 'true' };
    try {
      const provider = loadSerializedProvider(String(code.inputs.__provider));
      await provider.configure({ config: { get: (key) => config[key] } });
      const inputs = { ...code.inputs, signInMethod: 'managedIdentity', scmUrl: base, armUrl: base, pollSeconds: 0.01, timeoutSeconds: 10 };
      const result = await provider.create(inputs);
      expect(result.outs.listedFunctions).to.deep.equal(['images', 'orders', 'users']);
      expect(standIn.miTokens).to.be.greaterThan(0);
      const publish = standIn.seen.find((s) => s.method === 'POST')!;
      expect(publish.authorization).to.equal('Bearer managed-identity-token');
      expect(publish.body.subarray(0, 4).toString('hex')).to.equal('504b0304');

      // A provider that resolves another sign-in than the program did (a CLI that passes no
      // config) stops before uploading, saying why.
      const unconfigured = loadSerializedProvider(String(code.inputs.__provider));
      await unconfigured.configure({ config: { get: () => undefined } });
      const error = await unconfigured.create(inputs).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.match(/resolved the sign-in azureCli, but the program resolved managedIdentity/);
    } finally {
      for (const [key, value] of [['IDENTITY_ENDPOINT', saved.endpoint], ['IDENTITY_HEADER', saved.header]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await standIn.stop();
    }
  });

  it('alerts on failures and dead letters from the logs, and on Event Grid dead letters', () => {
    const rules = r.ofType(T.queryRule);
    expect(rules.map((q) => q.name).sort()).to.deep.equal(['alarms-deadLetters', 'alarms-failures']);
    const deadLetters = r.get(T.queryRule, 'alarms-deadLetters');
    const query = (deadLetters.inputs.criteria as { allOf: { query: string }[] }).allOf[0].query;
    expect(query).to.contain('dead-lettered').and.to.contain('MaxDequeueCount');
    expect(deadLetters.inputs.scopes).to.deep.equal([`${group}/providers/Microsoft.Insights/components/mcf-dev-azure-insights`]);
    const metric = r.get(T.metricAlert, 'alarms-event-dead-letters');
    expect(metric.inputs.scopes).to.deep.equal([`${group}/providers/Microsoft.EventGrid/systemTopics/mcf-dev-azure-blob-events`]);
    // Without alertEmail, no action group.
    expect(r.ofType(T.actionGroup)).to.have.length(0);
  });

  it('exports the users API URL, storage names, queue names and the app name', () => {
    expect(run.outputs).to.deep.include({
      usersApiUrl: `https://${appName}.azurewebsites.net`,
      storageAccountName: accountName,
      originalsContainerName: 'mcf-dev-azure-originals',
      compressedContainerName: 'mcf-dev-azure-compressed',
      imagesDeadLetterContainerName: 'mcf-dev-azure-images-dead-letters',
      ordersQueueName: 'orders',
      ordersPoisonQueueName: 'orders-poison',
      ordersDeadLetterContainerName: 'mcf-dev-azure-orders-dead-letters',
      paymentsQueueName: 'payments',
      functionAppName: appName,
    });
  });
});
