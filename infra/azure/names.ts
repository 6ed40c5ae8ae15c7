/**
 * The names Azure shares between customers. Most names of the stack live inside its resource
 * group (`<prefix>-...` is enough), but three are taken for everyone:
 * - the storage account: "Your storage account name must be unique within Azure", 3-24 lower-case
 *   letters and digits (https://learn.microsoft.com/azure/storage/common/storage-account-overview#storage-account-name);
 * - the function app: its host name is `<name>.azurewebsites.net`, so the name is global, 2-60
 *   letters, digits and hyphens (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftweb);
 * - the order events topic: its endpoint is `<name>.<region>-1.eventgrid.azure.net`, so the name
 *   is taken region-wide, 3-50 letters, digits and hyphens (resource-name-rules, Microsoft.EventGrid).
 * Each gets 8 hex digits of a SHA-256 of the subscription id and the resource group: another
 * subscription deploying the same stack gets other names (`mcfdevazuredata` was everybody's),
 * one stack keeps its names from run to run. The subscription comes from the provider's
 * getClientConfig.
 */
import { createHash } from 'node:crypto';

export const storageAccountNamePattern = /^[a-z0-9]{3,24}$/;

/** 8 hex digits that differ between subscriptions (and resource groups). */
export function uniqueSuffix(subscriptionId: string, resourceGroupName: string): string {
  return createHash('sha256').update(`${subscriptionId.toLowerCase()}/${resourceGroupName.toLowerCase()}`).digest('hex').slice(0, 8);
}

/** The prefix's letters and digits (16 at most) and the suffix: at most 24 characters. */
export function defaultStorageAccountName(namePrefix: string, subscriptionId: string, resourceGroupName: string): string {
  return `${namePrefix.replace(/[^a-z0-9]/g, '').slice(0, 16)}${uniqueSuffix(subscriptionId, resourceGroupName)}`;
}

/** `<prefix>-functions-<suffix>`: at most 30 + 11 + 8 = 49 of the 60 characters. */
export function functionAppName(namePrefix: string, subscriptionId: string, resourceGroupName: string): string {
  return `${namePrefix}-functions-${uniqueSuffix(subscriptionId, resourceGroupName)}`;
}

/** `<prefix>-orders-<suffix>`: at most 30 + 8 + 8 = 46 of the 50 characters. */
export function orderEventsTopicName(namePrefix: string, subscriptionId: string, resourceGroupName: string): string {
  return `${namePrefix}-orders-${uniqueSuffix(subscriptionId, resourceGroupName)}`;
}
