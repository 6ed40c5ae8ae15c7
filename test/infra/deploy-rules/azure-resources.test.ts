/**
 * Deploy rules of every Azure resource type the stack creates, on the wire inputs of dev-azure
 * (azure-native's SDK defaults applied) and of the variants a user sets (alert e-mail, warm
 * instances, custom container names). Each test names its source; docs/deploy-rules.md ("Azure")
 * lists every rule, with those no offline test can check.
 */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { containerNamePattern } from '../../../infra/azure/options';
import { projectRoot } from '../../../infra/packages';
import type { RecordedResource, Resources } from '../harness';
import { appSettingsOf, azureStack, T } from './azure-rules';

const names = 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules';
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('deploy rules: every Azure resource type on the wire', function () {
  this.timeout(120000);
  let r: Resources;
  let withMail: Resources;
  before(async () => {
    ({ r } = await azureStack());
    ({ r: withMail } = await azureStack({ overrides: { alertEmail: 'ops@example.com', functions: { users: { warmInstances: 1 }, orders: { warmInstances: 1 } } } }));
  });
  const one = (type: string, name: string) => r.get(type, name).inputs;

  it(`Microsoft.Resources/resourceGroups: 1-90 letters, digits, _ - . ( ), not ending in "." (${names}#microsoftresources)`, () => {
    const rg = one('azure-native:resources:ResourceGroup', 'group');
    expect(String(rg.resourceGroupName)).to.match(/^[-\w.()]{0,89}[-\w()]$/);
    expect(rg.location).to.equal('swedencentral');
  });

  it('Microsoft.Storage/storageAccounts: StorageV2, TLS 1.2, no shared keys, so the host storage is identity-based', () => {
    // TLS 1.0/1.1 retired for Azure Storage (https://learn.microsoft.com/azure/storage/common/transport-layer-security-configure-minimum-version);
    // allowSharedKeyAccess false needs AzureWebJobsStorage__accountName (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
    expect(one(T.account, 'storage-account')).to.deep.include({ kind: 'StorageV2', minimumTlsVersion: 'TLS1_2', allowSharedKeyAccess: false, sku: { name: 'Standard_LRS' } });
    const settings = appSettingsOf(r.get(T.app, 'functions-app'));
    expect(settings).to.have.property('AzureWebJobsStorage__accountName');
    expect(settings).to.include({ AzureWebJobsStorage__credential: 'managedidentity' });
    expect(settings).not.to.have.property('AzureWebJobsStorage');
  });

  // https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata#container-names
  it('blob containers: 3-63 lower-case letters, digits and single hyphens, private', () => {
    for (const c of r.ofType(T.container)) {
      expect(String(c.inputs.containerName), c.name).to.match(containerNamePattern);
      expect(c.inputs.publicAccess, c.name).to.equal('None');
    }
  });

  it('blob containers: a name S3 and Cloud Storage accept but Azure refuses ("--") stops the program', async () => {
    const error = await azureStack({ overrides: { originalsBucket: 'mcf--originals' } }).then(() => undefined, (e: Error) => e);
    expect(pulumi.RunError.isInstance(error), String(error)).to.equal(true);
    expect(error!.message).to.include('"multicloud-functions:originalsBucket"').and.include('Azure refuses "--"');
  });

  // https://learn.microsoft.com/rest/api/storageservices/naming-queues-and-metadata#queue-names
  it('queues: 3-63 lower-case letters, digits and single hyphens', () => {
    for (const q of r.ofType(T.queue)) expect(String(q.inputs.queueName), q.name).to.match(containerNamePattern);
  });

  // https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#table-names
  it('tables: 3-63 letters and digits starting with a letter, not the reserved "tables"', () => {
    for (const t of r.ofType(T.table)) {
      expect(String(t.inputs.tableName), t.name).to.match(/^[A-Za-z][A-Za-z0-9]{2,62}$/);
      expect(String(t.inputs.tableName).toLowerCase(), t.name).not.to.equal('tables');
    }
  });

  // https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview (one policy per
  // account, named "default"; prefixMatch starts with a container name; blockBlob required for delete).
  it('the lifecycle management policy: named "default", one per account, created after the container it names', () => {
    const policies = r.ofType(T.policy);
    expect(policies).to.have.length(1);
    const policy = policies[0];
    expect(policy.inputs.managementPolicyName).to.equal('default');
    const rule = (policy.inputs.policy as { rules: { name: string; definition: { filters: { prefixMatch: string[]; blobTypes: string[] } } }[] }).rules[0];
    expect(rule.name).to.match(/^[A-Za-z0-9]{1,256}$|^[A-Za-z0-9-]{1,256}$/);
    expect(rule.definition.filters.blobTypes).to.deep.equal(['blockBlob']);
    const containers = r.ofType(T.container).map((c) => String(c.inputs.containerName));
    for (const prefix of rule.definition.filters.prefixMatch) expect(containers).to.include(prefix.split('/')[0]);
    expect(r.dependenciesOf(policy).map((d) => d.name)).to.include('uploads-originals');
  });

  it(`Microsoft.ManagedIdentity/userAssignedIdentities: 3-128 letters, digits, - and _, starting with a letter or digit (${names})`, () => {
    const identity = one('azure-native:managedidentity:UserAssignedIdentity', 'app-identity');
    expect(String(identity.resourceName)).to.match(/^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/);
  });

  describe('Microsoft.Authorization/roleAssignments', () => {
    // The SDK defaults principalType to "User": a managed identity assigned as a User is refused
    // (UnmatchedPrincipalType), and ServicePrincipal skips the directory lookup that fails while a
    // new identity replicates (https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal).
    it('every assignment is for a ServicePrincipal (the SDK would send "User")', () => {
      for (const a of r.ofType(T.roleAssignment)) expect(a.inputs.principalType, a.name).to.equal('ServicePrincipal');
    });

    // The assignment's name must be a GUID (https://learn.microsoft.com/azure/role-based-access-control/role-assignments-rest#create-a-role-assignment):
    // left unset, azure-native generates one.
    it('names no assignment itself (azure-native generates the GUID) and refers to built-in roles by their full id', () => {
      for (const a of r.ofType(T.roleAssignment)) {
        if (a.inputs.roleAssignmentName !== undefined) expect(String(a.inputs.roleAssignmentName), a.name).to.match(guid);
        const [, sub, id] = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/.exec(String(a.inputs.roleDefinitionId)) ?? [];
        expect(sub, a.name).to.match(guid);
        expect(id, a.name).to.match(guid);
      }
    });

    // Role propagation: what needs a grant waits for it (the host for its storage, the subscription for its dead-letter container).
    it('whatever uses a grant is created after it', () => {
      const app = r.get(T.app, 'functions-app');
      expect(r.dependenciesOf(app).map((d) => d.name)).to.include.members(['app-blobs', 'app-queues', 'app-tables']);
      const sub = r.get(T.subscription, 'uploads-originals-created');
      expect(r.dependenciesOf(sub).map((d) => d.name)).to.include('uploads-events-dead-letters');
    });
  });

  describe('Microsoft.Web/serverfarms and sites (Flex Consumption)', () => {
    // https://learn.microsoft.com/azure/azure-functions/functions-infrastructure-as-code?pivots=flex-consumption-plan
    it('the plan is FC1 / FlexConsumption, Linux (reserved), and holds this app only', () => {
      expect(one(T.plan, 'functions-plan')).to.deep.include({ sku: { name: 'FC1', tier: 'FlexConsumption' }, reserved: true, kind: 'functionapp' });
      expect(String(one(T.plan, 'functions-plan').name)).to.match(/^[A-Za-z0-9-]{1,60}$/);
      expect(r.ofType(T.plan)).to.have.length(1);
      expect(r.ofType(T.app)).to.have.length(1);
    });

    // "The FunctionAppConfig section ... is required for Flex Consumption sites" (Azure-Samples/azure-functions-flex-consumption-samples#7);
    // runtime versions: https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#supported-language-stack-versions.
    it('the site carries functionAppConfig: a supported Node runtime, a deployment container of its account reached with its identity', () => {
      const app = one(T.app, 'functions-app');
      const config = app.functionAppConfig as { runtime: { name: string; version: string }; deployment: { storage: { type: string; value: string; authentication: { type: string; userAssignedIdentityResourceId: string } } } };
      expect(config.runtime.name).to.equal('node');
      expect(['20', '22']).to.include(config.runtime.version);
      expect(config.deployment.storage.type).to.equal('blobContainer');
      const account = String(one(T.account, 'storage-account').accountName);
      expect(config.deployment.storage.value).to.equal(`https://${account}.blob.core.windows.net/app-package`);
      expect(config.deployment.storage.authentication.type).to.equal('UserAssignedIdentity');
      expect((app.identity as { userAssignedIdentities: string[] }).userAssignedIdentities).to.include(config.deployment.storage.authentication.userAssignedIdentityResourceId);
    });

    // "http" for HTTP triggers, "function:<name>" for the others (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#always-ready-instances).
    it('always-ready groups use the names Flex Consumption knows', () => {
      const scale = (withMail.get(T.app, 'functions-app').inputs.functionAppConfig as { scaleAndConcurrency: { alwaysReady: { name: string }[]; instanceMemoryMB: number; maximumInstanceCount: number } }).scaleAndConcurrency;
      for (const group of scale.alwaysReady) expect(group.name).to.match(/^(http|blob|durable|function:[A-Za-z0-9_-]+)$/);
      expect([2048, 4096]).to.include(scale.instanceMemoryMB);
      expect(scale.maximumInstanceCount).to.be.within(1, 1000);
    });
  });

  describe('Event Grid', () => {
    // "only one system topic is allowed per Azure resource" (https://learn.microsoft.com/azure/event-grid/system-topics#lifecycle-of-system-topics);
    // the system topic is in the region of its source.
    it('one system topic on the storage account, in the account\'s region', () => {
      const topics = r.ofType(T.systemTopic);
      expect(topics).to.have.length(1);
      const account = r.get(T.account, 'storage-account');
      expect(topics[0].inputs.location).to.equal(account.inputs.location);
      expect(topics[0].inputs.topicType).to.equal('Microsoft.Storage.StorageAccounts');
    });

    // https://learn.microsoft.com/azure/event-grid/delivery-and-retry (maxDeliveryAttempts 1-30,
    // eventTimeToLiveInMinutes 1-1440); https://learn.microsoft.com/azure/event-grid/event-filtering#limitations
    // (25 advanced filters, 25 values each); maxEventsPerBatch 1-5000 (handler-functions); a
    // subscription to a function is validated against it: it must exist (created after the code).
    it('the BlobCreated subscription: limits, a function that exists, and a 3-64 character name', () => {
      const sub = r.get(T.subscription, 'uploads-originals-created');
      expect(String(sub.inputs.eventSubscriptionName)).to.match(/^[A-Za-z0-9-]{3,64}$/);
      const retry = sub.inputs.retryPolicy as { maxDeliveryAttempts: number; eventTimeToLiveInMinutes: number };
      expect(retry.maxDeliveryAttempts).to.be.within(1, 30);
      expect(retry.eventTimeToLiveInMinutes).to.be.within(1, 1440);
      const filters = (sub.inputs.filter as { advancedFilters: { values: string[] }[] }).advancedFilters;
      expect(filters.length).to.be.at.most(25);
      for (const f of filters) expect(f.values.length).to.be.at.most(25);
      expect((sub.inputs.destination as { maxEventsPerBatch: number }).maxEventsPerBatch).to.be.within(1, 5000);
      expect(r.dependenciesOf(sub).map((d) => d.type)).to.include(T.code);
    });

    it('the order events topic takes Entra tokens only, the app being its Data Sender', () => {
      expect(one(T.topic, 'orders-pipeline-events')).to.deep.include({ disableLocalAuth: true, inputSchema: 'EventGridSchema' });
      expect(r.get('azure-native:authorization:RoleAssignment', 'app-order-events').inputs.roleDefinitionId).to.match(/d5a91429-5739-47e2-a06b-3470a27159e7$/);
    });
  });

  describe('Azure Monitor', () => {
    // Workspace names 4-63 (resource-name-rules, Microsoft.OperationalInsights); retention 30-730 on PerGB2018
    // (https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure).
    it('the Log Analytics workspace: name, PerGB2018, retention in range', () => {
      const ws = one('azure-native:operationalinsights:Workspace', 'monitoring-workspace');
      expect(String(ws.workspaceName)).to.match(/^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/);
      expect(ws.sku).to.deep.equal({ name: 'PerGB2018' });
      expect(ws.retentionInDays).to.be.within(30, 730);
    });

    // Classic Application Insights was retired (https://learn.microsoft.com/azure/azure-monitor/app/convert-classic-resource):
    // a component is workspace-based. With local auth off the app must send with Entra
    // (https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication).
    it('Application Insights: workspace-based, local auth off, the app authenticating with its identity', () => {
      const component = one(T.component, 'monitoring-insights');
      expect(component).to.deep.include({ ingestionMode: 'LogAnalytics', disableLocalAuth: true });
      expect(String(component.workspaceResourceId)).to.match(/\/providers\/Microsoft\.OperationalInsights\/workspaces\//);
      expect(appSettingsOf(r.get(T.app, 'functions-app')).APPLICATIONINSIGHTS_AUTHENTICATION_STRING).to.match(/^ClientId=.+;Authorization=AAD$/);
    });

    // https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule: severity
    // 0-4, the frequency not longer than the window; a metric alert on one resource is 'global'.
    it('alert rules: severities 0-4, frequency within the window, metric alert global on the system topic\'s DeadLetteredCount', () => {
      const rules: RecordedResource[] = [...r.ofType(T.queryRule), ...r.ofType(T.metricAlert)];
      const minutes = (d: unknown) => Number(/^PT(\d+)M$/.exec(String(d))?.[1]);
      for (const rule of rules) {
        expect(rule.inputs.severity, rule.name).to.be.within(0, 4);
        expect(minutes(rule.inputs.evaluationFrequency), rule.name).to.be.at.most(minutes(rule.inputs.windowSize));
        expect(rule.inputs.scopes, rule.name).to.have.length(1);
      }
      const metric = one(T.metricAlert, 'alarms-event-dead-letters');
      expect(metric.location).to.equal('global');
      expect((metric.criteria as { allOf: { metricNamespace: string; metricName: string }[] }).allOf[0]).to.deep.include({ metricNamespace: 'Microsoft.EventGrid/systemTopics', metricName: 'DeadLetteredCount' });
    });

    // groupShortName: at most 12 characters (https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups).
    it('the action group (alertEmail): a short name of 12 characters at most, global', () => {
      const group = withMail.get(T.actionGroup, 'alarms-mail').inputs;
      expect(String(group.groupShortName).length).to.be.within(1, 12);
      expect(String(group.location).toLowerCase()).to.equal('global');
    });
  });

  // A subscription must have registered the namespace of every resource type it creates
  // (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-providers-and-types);
  // Flex Consumption also needs Microsoft.App (flex-consumption-plan, considerations).
  it('the README names every resource provider namespace the stack creates resources in', () => {
    const namespaces: Record<string, string> = {
      storage: 'Microsoft.Storage', web: 'Microsoft.Web', eventgrid: 'Microsoft.EventGrid', managedidentity: 'Microsoft.ManagedIdentity',
      applicationinsights: 'Microsoft.Insights', monitor: 'Microsoft.Insights', operationalinsights: 'Microsoft.OperationalInsights',
      authorization: 'Microsoft.Authorization', resources: 'Microsoft.Resources',
    };
    const used = new Set(r.all.filter((x) => x.type.startsWith('azure-native:')).map((x) => {
      const module = x.type.split(':')[1];
      expect(namespaces, x.type).to.have.property(module);
      return namespaces[module];
    }));
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const azure = readme.slice(readme.indexOf('## Deploy to Azure'), readme.indexOf('## Deploy to Google Cloud'));
    const register = azure.slice(azure.indexOf('**Resource providers**'), azure.indexOf('Flex Consumption needs Microsoft.App'));
    expect(register).to.include('az provider register');
    for (const ns of [...used, 'Microsoft.App'].filter((n) => !['Microsoft.Authorization', 'Microsoft.Resources'].includes(n))) {
      expect(register, ns).to.include(ns);
    }
    // The deployer creates role assignments: Contributor alone is refused (built-in roles: Owner,
    // User Access Administrator and Role Based Access Control Administrator have roleAssignments/write).
    expect(azure).to.include('Microsoft.Authorization/roleAssignments/write').and.include('Role Based Access Control Administrator');
  });
});
