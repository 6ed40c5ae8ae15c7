/**
 * The upload containers: originals (where users upload; a lifecycle rule deletes them), compressed
 * (where the images function writes) and the images dead-letter container; and, once the code is
 * deployed, the Event Grid system topic on the account with the ONE subscription that delivers
 * BlobCreated events of originals to the images function.
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventgrid from '@pulumi/azure-native/eventgrid';
import * as storage from '@pulumi/azure-native/storage';
import { imagesSpec } from '../../handlers/specs';
import { assignRoles, containerScope } from './identity';
import type { StorageAccount } from './storage-account';

export interface UploadBucketsArgs {
  account: StorageAccount;
  originalsContainer: string;
  compressedContainer: string;
  deadLetterContainer: string;
  originalsExpireDays: number;
  /** deletionProtection: Pulumi refuses to delete or replace the originals and compressed containers. */
  protect: boolean;
}

export interface BlobDelivery {
  location: string;
  subscriptionId: pulumi.Input<string>;
  /** The app's ARM id; the images function is `<app>/functions/images`. */
  appId: pulumi.Input<string>;
  /** The code deployment: the function must exist before Event Grid validates the endpoint. */
  codeDeployment: pulumi.Resource;
  topicName: string;
  maxDeliveryAttempts: number;
  eventTimeToLiveInMinutes: number;
}

export const blobCreated = 'Microsoft.Storage.BlobCreated';

/** The subject of a blob's events: `/blobServices/default/containers/<container>/blobs/<path>`. */
export function blobSubjectPrefix(container: string): string {
  return `/blobServices/default/containers/${container}/blobs/`;
}

export class UploadBuckets extends pulumi.ComponentResource {
  readonly originals: storage.BlobContainer;
  readonly compressed: storage.BlobContainer;
  readonly deadLetters: storage.BlobContainer;

  constructor(private readonly baseName: string, private readonly args: UploadBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:azure:UploadBuckets', baseName, {}, opts);
    this.originals = this.container('originals', args.originalsContainer, args.protect);
    this.compressed = this.container('compressed', args.compressedContainer, args.protect);
    this.deadLetters = this.container('dead-letters', args.deadLetterContainer, false);
    // One policy per account, named "default" (storage lifecycle management); prefixMatch starts
    // with the container name. dependsOn: a rule naming a container that does not exist yet is refused.
    new storage.ManagementPolicy(`${baseName}-originals-expiry`, {
      accountName: args.account.name,
      resourceGroupName: args.account.resourceGroupName,
      managementPolicyName: 'default',
      policy: {
        rules: [{
          name: 'expire-originals',
          enabled: true,
          type: 'Lifecycle',
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: [`${args.originalsContainer}/`] },
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: args.originalsExpireDays } } },
          },
        }],
      },
    }, { parent: this, dependsOn: [this.originals] });
    this.registerOutputs({ originals: this.originals.name, compressed: this.compressed.name });
  }

  /**
   * Delivers BlobCreated events of the originals container to the images function. Event Grid
   * string filters are case-insensitive ("All string comparisons are not case-sensitive",
   * https://learn.microsoft.com/azure/event-grid/event-filtering#advanced-filtering), so one
   * StringEndsWith on the subject catches `.JPG` and `.Jpeg` too. Undeliverable events go, after
   * the retries, to the dead-letter container, written with the system topic's own identity.
   */
  notify(delivery: BlobDelivery): { topic: eventgrid.SystemTopic; subscription: eventgrid.SystemTopicEventSubscription } {
    const name = this.baseName;
    const account = this.args.account;
    const topic = new eventgrid.SystemTopic(`${name}-events`, {
      systemTopicName: delivery.topicName,
      resourceGroupName: account.resourceGroupName,
      location: delivery.location,
      source: account.id,
      topicType: 'Microsoft.Storage.StorageAccounts',
      identity: { type: 'SystemAssigned' },
    }, { parent: this });
    const [mayDeadLetter] = assignRoles(this, `${name}-events`, topic.identity.apply((i) => i?.principalId ?? ''), delivery.subscriptionId, [
      { role: 'storageBlobDataContributor', scope: containerScope(account.id, this.deadLetters.name), what: 'dead-letters' },
    ]);
    const subscription = new eventgrid.SystemTopicEventSubscription(`${name}-originals-created`, {
      eventSubscriptionName: 'originals-created',
      systemTopicName: topic.name,
      resourceGroupName: account.resourceGroupName,
      eventDeliverySchema: 'EventGridSchema',
      destination: {
        endpointType: 'AzureFunction',
        resourceId: pulumi.interpolate`${delivery.appId}/functions/images`,
        // One event per invocation: the function handles one object at a time.
        maxEventsPerBatch: 1,
      },
      filter: {
        includedEventTypes: [blobCreated],
        subjectBeginsWith: blobSubjectPrefix(this.args.originalsContainer),
        // Containers are lower case, but a subject's blob path is not.
        isSubjectCaseSensitive: false,
        advancedFilters: [{ operatorType: 'StringEndsWith', key: 'subject', values: [...imagesSpec.settings.suffixes] }],
      },
      retryPolicy: { maxDeliveryAttempts: delivery.maxDeliveryAttempts, eventTimeToLiveInMinutes: delivery.eventTimeToLiveInMinutes },
      deadLetterWithResourceIdentity: {
        identity: { type: 'SystemAssigned' },
        deadLetterDestination: { endpointType: 'StorageBlob', resourceId: account.id, blobContainerName: this.deadLetters.name },
      },
    }, { parent: this, dependsOn: [delivery.codeDeployment, mayDeadLetter] });
    return { topic, subscription };
  }

  private container(role: string, containerName: string, protect: boolean): storage.BlobContainer {
    return new storage.BlobContainer(`${this.baseName}-${role}`, {
      containerName,
      accountName: this.args.account.name,
      resourceGroupName: this.args.account.resourceGroupName,
      publicAccess: 'None',
    }, { parent: this, protect });
  }
}
