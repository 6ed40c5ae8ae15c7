/**
 * CloudWatch alarms: any error of any function, and any message waiting in a dead-letter queue,
 * each notifying the optional alarm topic. Without a topic the alarms still show in the console.
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';

export interface AlarmsArgs {
  namePrefix: string;
  /** Function names by role (`images`, `users`, `orders`). */
  functions: Record<string, pulumi.Input<string>>;
  /** Dead-letter queue names by role. */
  deadLetterQueues: Record<string, pulumi.Input<string>>;
  alarmTopicArn?: string;
}

export class Alarms extends pulumi.ComponentResource {
  readonly alarms: cloudwatch.MetricAlarm[] = [];

  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:aws:Alarms', name, {}, opts);
    const actions = args.alarmTopicArn ? [args.alarmTopicArn] : [];
    const common = {
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      evaluationPeriods: 1,
      period: 300,
      // No data means no invocations or an empty queue: healthy.
      treatMissingData: 'notBreaching',
      alarmActions: actions,
      okActions: actions,
    };
    for (const [role, functionName] of Object.entries(args.functions)) {
      this.alarms.push(new cloudwatch.MetricAlarm(`${name}-${role}-errors`, {
        ...common,
        name: `${args.namePrefix}-${role}-errors-alarm`,
        alarmDescription: `The ${role} function reported errors`,
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: functionName },
        statistic: 'Sum',
      }, { parent: this }));
    }
    for (const [role, queueName] of Object.entries(args.deadLetterQueues)) {
      this.alarms.push(new cloudwatch.MetricAlarm(`${name}-${role}-dead-letters`, {
        ...common,
        name: `${args.namePrefix}-${role}-dead-letters-alarm`,
        alarmDescription: `Messages are waiting in the ${role} dead-letter queue`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: queueName },
        statistic: 'Maximum',
      }, { parent: this }));
    }
    this.registerOutputs({});
  }
}
