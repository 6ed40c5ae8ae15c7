/**
 * The one storage account of the stack (Azure-only concept: AWS and GCP have no account around
 * their buckets): it holds the upload containers, the queues, the tables, the Functions host's
 * state and the app's deployment package. HTTPS only, TLS 1.2 minimum, no anonymous blob access
 * and no shared keys: everything, the Functions host included, authenticates with Entra.
 */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';

/**
 * "Storage account names must be between 3 and 24 characters in length and may contain numbers
 * and lowercase letters only. Your storage account name must be unique within Azure"
 * (https://learn.microsoft.com/azure/storage/common/storage-account-overview#storage-account-name).
 */
export const storageAccountNamePattern = /^[a-z0-9]{3,24}$/;

/**
 * The default name: the prefix's letters and digits (16 at most) and 8 hex digits of a SHA-256 of
 * the subscription id and the resource group, so two subscriptions deploying the same stack name
 * do not collide (`mcfdevazuredata` was everybody's), while one stack keeps its name from run to
 * run. The stack's `storageAccountName` overrides it.
 */
export function defaultStorageAccountName(namePrefix: string, subscriptionId: string, resourceGroupName: string): string {
  const base = namePrefix.replace(/[^a-z0-9]/g, '').slice(0, 16);
  const suffix = createHash('sha256').update(`${subscriptionId.toLowerCase()}/${resourceGroupName.toLowerCase()}`).digest('hex').slice(0, 8);
  return `${base}${suffix}`;
}

export interface StorageAccountArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  /** 3-24 lower-case letters and digits, unique across Azure. */
  accountName: pulumi.Input<string>;
  /** deletionProtection: Pulumi refuses to delete or replace the account (and its data). */
  protect: boolean;
}

export class StorageAccount extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly blobEndpoint: pulumi.Output<string>;
  readonly queueEndpoint: pulumi.Output<string>;
  readonly tableEndpoint: pulumi.Output<string>;

  constructor(name: string, args: StorageAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:azure:StorageAccount', name, {}, opts);
    this.resourceGroupName = args.resourceGroupName;
    this.account = new storage.StorageAccount(`${name}-account`, {
      accountName: args.accountName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: 'StorageV2',
      sku: { name: 'Standard_LRS' },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      // Flex Consumption runs with identity-based host storage (AzureWebJobsStorage__accountName)
      // and identity-based deployment storage, so nothing needs a key: turn keys off.
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      encryption: {
        keySource: 'Microsoft.Storage',
        services: { blob: { enabled: true }, queue: { enabled: true, keyType: 'Account' }, table: { enabled: true, keyType: 'Account' } },
      },
    }, { parent: this, protect: args.protect });
    this.id = this.account.id;
    this.name = this.account.name;
    const endpoints = this.account.primaryEndpoints;
    this.blobEndpoint = endpoints.blob;
    this.queueEndpoint = endpoints.queue;
    this.tableEndpoint = endpoints.table;
    this.registerOutputs({ name: this.name, blobEndpoint: this.blobEndpoint });
  }
}
