/**
 * The orders pipeline: the orders queue the function is triggered by, its poison queue (where the
 * host moves a message after maxDequeueCount deliveries, declared here so that it exists before
 * the first failure and the alert can name it), the container for dead letters too large for that
 * queue (adapters/azure/ports/dead-letters.ts), the payments queue, and the Event Grid topic the
 * order events are published to. The topic takes Entra tokens only (local auth off): the app's
 * identity is its EventGrid Data Sender.
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventgrid from '@pulumi/azure-native/eventgrid';
import * as storage from '@pulumi/azure-native/storage';
import { poisonQueueName } from '../../adapters/azure/queue-encoding';
import type { StorageAccount } from './storage-account';

/** Queue names: 3-63 lower-case letters, digits and single hyphens; unique within the account. */
export const queueNames = { orders: 'orders', poison: poisonQueueName('orders'), payments: 'payments' } as const;

export interface OrdersPipelineArgs {
  account: StorageAccount;
  location: string;
  topicName: pulumi.Input<string>;
  /** The blob container for dead letters too large for the poison queue. */
  deadLetterContainer: string;
}

export class OrdersPipeline extends pulumi.ComponentResource {
  readonly orders: storage.Queue;
  readonly deadLetters: storage.Queue;
  readonly oversizeDeadLetters: storage.BlobContainer;
  readonly payments: storage.Queue;
  readonly events: eventgrid.Topic;

  constructor(name: string, args: OrdersPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:azure:OrdersPipeline', name, {}, opts);
    const queue = (role: keyof typeof queueNames) => new storage.Queue(`${name}-${role}`, {
      queueName: queueNames[role],
      accountName: args.account.name,
      resourceGroupName: args.account.resourceGroupName,
    }, { parent: this });
    this.orders = queue('orders');
    this.deadLetters = queue('poison');
    this.payments = queue('payments');
    this.oversizeDeadLetters = new storage.BlobContainer(`${name}-oversize-dead-letters`, {
      containerName: args.deadLetterContainer,
      accountName: args.account.name,
      resourceGroupName: args.account.resourceGroupName,
      publicAccess: 'None',
    }, { parent: this });
    this.events = new eventgrid.Topic(`${name}-events`, {
      topicName: args.topicName,
      resourceGroupName: args.account.resourceGroupName,
      location: args.location,
      inputSchema: 'EventGridSchema',
      disableLocalAuth: true,
      minimumTlsVersionAllowed: '1.2',
    }, { parent: this });
    this.registerOutputs({ orders: this.orders.name, payments: this.payments.name, events: this.events.endpoint });
  }
}
