/**
 * The outbox sweeper's schedule on AWS: an EventBridge Scheduler schedule that invokes the orders
 * Lambda every `everyMinutes` with SWEEP_REQUEST as its event (adapters/aws/orders.ts tells it from
 * an SQS batch), and the execution role it invokes with.
 *
 * Rules EventBridge Scheduler enforces (docs/deploy-rules.md, "outbox sweeper"):
 * - a rate expression is `rate(<value> <unit>)`, unit `minute` for 1 and `minutes` otherwise
 *   (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based);
 * - `flexibleTimeWindow` is required; OFF fires on time;
 * - the schedule invokes its target with an execution role that scheduler.amazonaws.com assumes
 *   (https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role);
 *   its only permission is lambda:InvokeFunction on the orders function (its alias when warm),
 *   and the trust is limited to schedules of this account (aws:SourceAccount, the confused-deputy
 *   guard the same page recommends);
 * - the invocation is asynchronous (https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html);
 *   a delivery that fails is retried for at most one period: a later run does the same work.
 */
import * as pulumi from '@pulumi/pulumi';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import { SWEEP_REQUEST } from '../../handlers/orders/sweeper';
import type { ServerlessFunction } from './function';
import { policyDocument } from './iam';

export interface OutboxSweeperArgs {
  namePrefix: string;
  /** The orders function: the schedule's target. */
  fn: ServerlessFunction;
  /** Minutes between runs, 1-60 (infra/config.ts). */
  everyMinutes: number;
  accountId: pulumi.Input<string>;
}

/** `rate(1 minute)`, `rate(5 minutes)`: EventBridge Scheduler refuses `rate(1 minutes)`. */
export function rateExpression(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

export class OutboxSweeper extends pulumi.ComponentResource {
  readonly role: iam.Role;
  readonly schedule: scheduler.Schedule;

  constructor(name: string, args: OutboxSweeperArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:aws:OutboxSweeper', name, {}, opts);
    const parent = { parent: this };
    this.role = new iam.Role(`${name}-role`, {
      name: `${args.namePrefix}-outbox-sweep-role`,
      assumeRolePolicy: pulumi.output(args.accountId).apply((account) =>
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': account } },
            },
          ],
        }),
      ),
    }, parent);
    const policy = new iam.RolePolicy(`${name}-policy`, {
      role: this.role.id,
      policy: policyDocument([{ sid: 'InvokeOrders', actions: ['lambda:InvokeFunction'], resources: [args.fn.target] }]),
    }, parent);
    this.schedule = new scheduler.Schedule(`${name}-schedule`, {
      name: `${args.namePrefix}-outbox-sweep`,
      description: 'Relays orders\' payment requests and events left pending (handlers/orders/sweeper.ts)',
      scheduleExpression: rateExpression(args.everyMinutes),
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: args.fn.target,
        roleArn: this.role.arn,
        input: JSON.stringify(SWEEP_REQUEST),
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: Math.max(60, args.everyMinutes * 60) },
      },
    }, { parent: this, dependsOn: [policy] });
    this.registerOutputs({ schedule: this.schedule.name });
  }
}
