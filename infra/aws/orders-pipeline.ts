/**
 * The orders pipeline: the orders queue with its dead-letter queue, the payments queue and the
 * events topic the orders function relays to, and, once the function exists, the event source
 * mapping that feeds it.
 */
import * as pulumi from '@pulumi/pulumi';
import * as lambda from '@pulumi/aws/lambda';
import * as sns from '@pulumi/aws/sns';
import * as sqs from '@pulumi/aws/sqs';
import { deadLetterRetentionSeconds } from './buckets';
import type { ServerlessFunction } from './function';

export interface OrdersPipelineArgs {
  namePrefix: string;
  /** Receives of one message before SQS moves it to the dead-letter queue. */
  maxReceiveCount: number;
  /** The orders function's timeout, which the visibility timeout must cover. */
  functionTimeoutSeconds: number;
}

/**
 * AWS: "set the source queue's visibility timeout to at least six times the timeout that you
 * configure on your function" (Lambda developer guide, using Lambda with Amazon SQS); otherwise
 * messages still being processed are delivered again.
 */
export function visibilityTimeoutFor(functionTimeoutSeconds: number): number {
  return 6 * functionTimeoutSeconds;
}

export class OrdersPipeline extends pulumi.ComponentResource {
  readonly orders: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly payments: sqs.Queue;
  readonly events: sns.Topic;

  constructor(private readonly baseName: string, args: OrdersPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:aws:OrdersPipeline', baseName, {}, opts);
    const parent = { parent: this };
    this.deadLetters = new sqs.Queue(`${baseName}-dead-letters`, {
      name: `${args.namePrefix}-orders-dead-letters`,
      messageRetentionSeconds: deadLetterRetentionSeconds,
      sqsManagedSseEnabled: true,
    }, parent);
    this.orders = new sqs.Queue(`${baseName}-orders`, {
      name: `${args.namePrefix}-orders-queue`,
      visibilityTimeoutSeconds: visibilityTimeoutFor(args.functionTimeoutSeconds),
      // A dead-letter queue's retention should outlast the source's so nothing expires on the way.
      messageRetentionSeconds: 4 * 24 * 60 * 60,
      redrivePolicy: this.deadLetters.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: args.maxReceiveCount })),
      sqsManagedSseEnabled: true,
    }, parent);
    this.payments = new sqs.Queue(`${baseName}-payments`, {
      name: `${args.namePrefix}-payments-queue`,
      sqsManagedSseEnabled: true,
    }, parent);
    this.events = new sns.Topic(`${baseName}-events`, { name: `${args.namePrefix}-order-events` }, parent);
    this.registerOutputs({ orders: this.orders.url, payments: this.payments.url, events: this.events.arn });
  }

  /**
   * Feeds the orders queue to the function. With ReportBatchItemFailures only the messages the
   * function names are retried; the rest of the batch is deleted.
   */
  deliverTo(fn: ServerlessFunction, batchSize: number): lambda.EventSourceMapping {
    return new lambda.EventSourceMapping(`${this.baseName}-delivery`, {
      eventSourceArn: this.orders.arn,
      functionName: fn.target,
      batchSize,
      functionResponseTypes: ['ReportBatchItemFailures'],
      enabled: true,
    }, { parent: this, dependsOn: [fn] });
  }
}
