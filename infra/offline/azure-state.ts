/**
 * What the mocks answer for Azure (azure-native) resources: the inputs back, plus the outputs the
 * program reads (ARM ids, endpoints, principal ids, host names) shaped like the real ones, so that
 * role scopes, app settings and outputs can be checked.
 */
import type { MockState } from './mock-state';

export const azureSubscriptionId = '00000000-0000-4000-8000-000000000001';
export const azureTenantId = '00000000-0000-4000-8000-000000000002';

const providerPaths: Record<string, string> = {
  'azure-native:storage:StorageAccount': 'Microsoft.Storage/storageAccounts',
  'azure-native:web:AppServicePlan': 'Microsoft.Web/serverfarms',
  'azure-native:web:WebApp': 'Microsoft.Web/sites',
  'azure-native:managedidentity:UserAssignedIdentity': 'Microsoft.ManagedIdentity/userAssignedIdentities',
  'azure-native:eventgrid:Topic': 'Microsoft.EventGrid/topics',
  'azure-native:eventgrid:SystemTopic': 'Microsoft.EventGrid/systemTopics',
  'azure-native:applicationinsights:Component': 'Microsoft.Insights/components',
  'azure-native:operationalinsights:Workspace': 'Microsoft.OperationalInsights/workspaces',
  'azure-native:monitor:ActionGroup': 'Microsoft.Insights/actionGroups',
  'azure-native:monitor:ScheduledQueryRule': 'Microsoft.Insights/scheduledQueryRules',
};

/** The name an azure-native resource is created with: its `<kind>Name` input, else the logical name. */
function physicalName(type: string, name: string, inputs: Record<string, unknown>): string {
  // The resource's own name first: a container also carries its account's name.
  const keys = ['eventSubscriptionName', 'containerName', 'queueName', 'tableName', 'systemTopicName', 'topicName', 'workspaceName', 'resourceName', 'ruleName', 'actionGroupName', 'managementPolicyName', 'name', 'accountName'];
  if (type === 'azure-native:resources:ResourceGroup') return String(inputs.resourceGroupName ?? name);
  const key = keys.find((k) => typeof inputs[k] === 'string');
  return key ? String(inputs[key]) : name;
}

export function azureState(type: string, name: string, inputs: Record<string, unknown>, location: string): MockState {
  const physical = physicalName(type, name, inputs);
  const group = `/subscriptions/${azureSubscriptionId}/resourceGroups/${String(inputs.resourceGroupName ?? physical)}`;
  const state: Record<string, unknown> = { ...inputs, name: physical, location: inputs.location ?? location };
  if (type === 'azure-native:resources:ResourceGroup') return { id: group, state };
  const provider = providerPaths[type];
  const id = provider ? `${group}/providers/${provider}/${physical}` : `${name}-id`;
  switch (type) {
    case 'azure-native:storage:StorageAccount':
      return { id, state: { ...state, primaryEndpoints: {
        blob: `https://${physical}.blob.core.windows.net/`,
        queue: `https://${physical}.queue.core.windows.net/`,
        table: `https://${physical}.table.core.windows.net/`,
      } } };
    case 'azure-native:storage:BlobContainer':
      return { id: `${String(inputs.accountName)}-containers-${physical}`, state };
    case 'azure-native:web:WebApp':
      return { id, state: { ...state, defaultHostName: `${physical}.azurewebsites.net` } };
    case 'azure-native:managedidentity:UserAssignedIdentity':
      return { id, state: { ...state, principalId: `principal-of-${physical}`, clientId: `client-of-${physical}`, tenantId: azureTenantId } };
    case 'azure-native:eventgrid:Topic':
      return { id, state: { ...state, endpoint: `https://${physical}.${location}-1.eventgrid.azure.net/api/events` } };
    case 'azure-native:eventgrid:SystemTopic':
      return { id, state: { ...state, identity: { ...(inputs.identity as object), principalId: `principal-of-${physical}` } } };
    case 'azure-native:applicationinsights:Component':
      return { id, state: { ...state, connectionString: `InstrumentationKey=key-of-${physical};IngestionEndpoint=https://${location}.in.applicationinsights.azure.com/` } };
    default:
      return { id, state };
  }
}

/** Provider functions the Azure program calls, by token. */
export function azureCall(token: string): Record<string, unknown> | undefined {
  if (token === 'azure-native:authorization:getClientConfig') {
    return { subscriptionId: azureSubscriptionId, tenantId: azureTenantId, clientId: 'offline-client', objectId: 'offline-object' };
  }
  return undefined;
}
