/**
 * The Azure stack: the three functions in one Flex Consumption app, with the storage account
 * (containers, queues, tables), the order events topic, the blob events subscription, monitoring
 * and alerts. The app's settings use the names `adapters/azure/environment.ts` reads; its identity
 * holds data-plane roles on exactly the resources those settings point at; no keys anywhere.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as resources from '@pulumi/azure-native/resources';
import { azureEnvironment as env, ordersQueueConnection } from '../../adapters/azure/environment';
import { settingName } from '../../handlers/settings';
import { allSpecs } from '../../handlers/specs';
import type { StackConfig } from '../config';
import { Alarms } from './alarms';
import { readAppPackage } from './app-package';
import { UploadBuckets } from './buckets';
import { FunctionApp } from './function';
import { AppIdentity } from './identity';
import { Monitoring } from './monitoring';
import { readDeployerSignIn } from './deployer-credential';
import { CodeDeployment } from './one-deploy';
import { hostTimeout, readAzureOptions } from './options';
import { OrdersPipeline } from './orders-pipeline';
import { defaultStorageAccountName, functionAppName, orderEventsTopicName } from './names';
import { allowBrowserUploads, delegatorGrant } from './signed-uploads';
import { outboxSweeperSettings } from './outbox-sweeper';
import { StorageAccount } from './storage-account';
import { Tables } from './tables';
import { usersApiSettings, usersApiUrl } from './users-api';

export const armUrl = 'https://management.azure.com';

/** The Kudu (SCM) host of an app: `<first label>.scm.<rest>` of its default host name. */
export function scmUrlOf(defaultHostName: string): string {
  const [first, ...rest] = defaultHostName.split('.');
  return `https://${first}.scm.${rest.join('.')}`;
}

export function deployAzure(config: StackConfig): Record<string, pulumi.Input<unknown>> {
  const options = readAzureOptions(config);
  const appPackage = readAppPackage(config.packagesDir);
  // Before anything is declared: the code upload must be able to sign in as azure-native does.
  const signIn = readDeployerSignIn();
  const prefix = config.namePrefix;
  const location = options.location;
  const subscriptionId = authorization.getClientConfigOutput().subscriptionId;

  const groupName = `${prefix}-rg`;
  const group = new resources.ResourceGroup('group', { resourceGroupName: groupName, location });
  const resourceGroupName = group.name;
  // Names other customers share (names.ts): derived from the subscription.
  const unique = (name: (prefix: string, subscription: string, group: string) => string) => subscriptionId.apply((id) => name(prefix, id, groupName));
  const accountName = options.storageAccountName ?? unique(defaultStorageAccountName);
  // deletionProtection: the data (account, tables, upload containers) cannot be deleted or
  // replaced by Pulumi until the stack turns it off (Pulumi's `protect`).
  const protect = config.deletionProtection;
  const account = new StorageAccount('storage', { resourceGroupName, location, accountName, protect });
  const uploads = new UploadBuckets('uploads', {
    account,
    originalsContainer: config.originalsBucket,
    compressedContainer: config.compressedBucket,
    deadLetterContainer: `${prefix}-images-dead-letters`,
    originalsExpireDays: config.originalsExpireDays,
    protect,
  });
  const tables = new Tables('tables', { account, protect });
  const pipeline = new OrdersPipeline('orders-pipeline', {
    account,
    location,
    topicName: unique(orderEventsTopicName),
    deadLetterContainer: `${prefix}-orders-dead-letters`,
  });
  const monitoring = new Monitoring('monitoring', { resourceGroupName, location, namePrefix: prefix, retentionInDays: options.logRetentionDays });

  const identity = new AppIdentity('app', { resourceGroupName, location, identityName: `${prefix}-app-identity` });
  // Account scope for blobs: the Functions host keeps its own containers (azure-webjobs-hosts,
  // ...) next to the data. Queues and tables: the account's only queues and tables are the app's.
  const grants = identity.grant(subscriptionId, [
    { role: 'storageBlobDataOwner', scope: account.id, what: 'blobs' },
    { role: 'storageQueueDataContributor', scope: account.id, what: 'queues' },
    { role: 'storageTableDataContributor', scope: account.id, what: 'tables' },
    { role: 'eventGridDataSender', scope: pipeline.events.id, what: 'order-events' },
    { role: 'monitoringMetricsPublisher', scope: monitoring.insights.id, what: 'telemetry' },
    delegatorGrant(account),
  ]);
  allowBrowserUploads('storage-blob-cors', account, config.usersApi.corsOrigins, account);

  const identityConnection = (prefixName: string) => ({
    [`${prefixName}__credential`]: 'managedidentity',
    [`${prefixName}__clientId`]: identity.clientId,
  });
  const appSettings: Record<string, pulumi.Input<string>> = {
    // Host storage with the identity (no AzureWebJobsStorage connection string, no keys).
    // FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are refused on Flex Consumption:
    // functionAppConfig.runtime says it.
    AzureWebJobsStorage__accountName: account.name,
    ...identityConnection('AzureWebJobsStorage'),
    [`${ordersQueueConnection}__queueServiceUri`]: account.queueEndpoint,
    ...identityConnection(ordersQueueConnection),
    // functionTimeout and maxDequeueCount override host.json for the whole app.
    AzureFunctionsJobHost__functionTimeout: hostTimeout(options.functionTimeoutSeconds),
    AzureFunctionsJobHost__extensions__queues__maxDequeueCount: String(config.maxDeliveries),
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.connectionString,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: pulumi.interpolate`ClientId=${identity.clientId};Authorization=AAD`,
    [env.storage.managedIdentityClientId]: identity.clientId,
    [env.storage.blobServiceUrl]: account.blobEndpoint,
    [env.storage.queueServiceUrl]: account.queueEndpoint,
    [env.storage.tableServiceUrl]: account.tableEndpoint,
    [env.images.originalsContainer]: uploads.originals.name,
    [env.images.compressedContainer]: uploads.compressed.name,
    [env.images.deadLetterContainer]: uploads.deadLetters.name,
    [env.users.usersTable]: tables.users.name,
    [env.orders.ordersQueue]: pipeline.orders.name,
    [env.orders.ledgerTable]: tables.orders.name,
    [env.orders.paymentsQueue]: pipeline.payments.name,
    [env.orders.eventsTopicEndpoint]: pipeline.events.endpoint,
    [env.orders.deadLetterContainer]: pipeline.oversizeDeadLetters.name,
    [settingName('orders', 'maxDeliveries')]: String(config.maxDeliveries),
    ...usersApiSettings(config.usersApi),
    ...outboxSweeperSettings(config.outboxSweepMinutes),
  };

  const app = new FunctionApp('functions', {
    resourceGroupName,
    location,
    appName: unique(functionAppName),
    planName: `${prefix}-plan`,
    account,
    identity,
    instanceMemoryMb: options.instanceMemoryMb,
    maximumInstanceCount: options.maximumInstanceCount,
    alwaysReady: options.alwaysReady,
    appSettings,
    dependsOn: grants,
  });

  const code = new CodeDeployment('code', {
    appId: app.id,
    scmUrl: app.defaultHostName.apply(scmUrlOf),
    armUrl,
    packageDirectory: appPackage.directory,
    contentHash: appPackage.contentHash,
    functions: allSpecs.map((s) => s.name),
    timeoutSeconds: 900,
    pollSeconds: 10,
    signInMethod: signIn.method,
  }, { dependsOn: [app] });

  const blobEvents = uploads.notify({
    location,
    subscriptionId,
    appId: app.id,
    codeDeployment: code,
    topicName: `${prefix}-blob-events`,
    maxDeliveryAttempts: options.imagesDeliveryAttempts,
    eventTimeToLiveInMinutes: options.imagesEventTtlMinutes,
  });

  new Alarms('alarms', {
    resourceGroupName,
    location,
    namePrefix: prefix,
    insightsId: monitoring.insights.id,
    blobEventsTopicId: blobEvents.topic.id,
    alertEmail: options.alertEmail,
  });

  return {
    usersApiUrl: usersApiUrl(app.defaultHostName),
    resourceGroupName,
    storageAccountName: account.name,
    originalsContainerName: uploads.originals.name,
    compressedContainerName: uploads.compressed.name,
    imagesDeadLetterContainerName: uploads.deadLetters.name,
    ordersQueueName: pipeline.orders.name,
    ordersPoisonQueueName: pipeline.deadLetters.name,
    ordersDeadLetterContainerName: pipeline.oversizeDeadLetters.name,
    paymentsQueueName: pipeline.payments.name,
    eventsTopicEndpoint: pipeline.events.endpoint,
    functionAppName: app.name,
    packageHash: code.contentHash,
  };
}
