/**
 * The one storage account of the stack (Azure-only concept: AWS and GCP have no account around
 * their buckets): it holds the upload containers, the queues, the tables, the Functions host's
 * state and the app's deployment package. HTTPS only, TLS 1.2 minimum, no anonymous blob access
 * and no shared keys: everything, the Functions host included, authenticates with Entra.
 */
import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';

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
