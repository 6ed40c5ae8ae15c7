/**
 * Azure Monitor alerts: any failed function invocation, and any dead letter. Storage queue metrics
 * have no per-queue dimension and are sampled hourly, so dead letters are found in the logs
 * instead: the functions log `dead-lettered` when they write one, and the host logs
 * `MaxDequeueCount` when it moves a message to the poison queue. Events that Event Grid could not
 * deliver to the images function are counted by the system topic's `DeadLetteredCount` metric.
 * Each alert mails `alertEmail` through an action group when the stack sets one.
 */
import * as pulumi from '@pulumi/pulumi';
import * as monitor from '@pulumi/azure-native/monitor';

export interface AlarmsArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  namePrefix: string;
  /** The Application Insights component the queries run on. */
  insightsId: pulumi.Input<string>;
  /** The Event Grid system topic on the storage account. */
  blobEventsTopicId: pulumi.Input<string>;
  alertEmail?: string;
}

/** Kusto queries over the app's telemetry; each returns rows only when something went wrong. */
export const alertQueries = {
  failures: 'requests | where success == false | summarize failures = count() by operation_Name',
  deadLetters: 'traces | where message has "dead-lettered" or message has "MaxDequeueCount" | summarize deadLetters = count() by operation_Name',
} as const;

export class Alarms extends pulumi.ComponentResource {
  readonly rules: monitor.ScheduledQueryRule[] = [];
  readonly eventDeadLetters: monitor.MetricAlert;

  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:azure:Alarms', name, {}, opts);
    const parent = { parent: this };
    const group = args.alertEmail ? new monitor.ActionGroup(`${name}-mail`, {
      actionGroupName: `${args.namePrefix}-alerts`,
      groupShortName: 'mcf-alerts',
      resourceGroupName: args.resourceGroupName,
      location: 'Global',
      enabled: true,
      emailReceivers: [{ name: 'owner', emailAddress: args.alertEmail, useCommonAlertSchema: true }],
    }, parent) : undefined;

    for (const [what, query] of Object.entries(alertQueries)) {
      this.rules.push(new monitor.ScheduledQueryRule(`${name}-${what}`, {
        ruleName: `${args.namePrefix}-${what}`,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        description: what === 'failures' ? 'A function invocation failed' : 'A message or image was dead-lettered',
        severity: what === 'failures' ? 2 : 1,
        enabled: true,
        scopes: [args.insightsId],
        evaluationFrequency: 'PT5M',
        windowSize: 'PT5M',
        criteria: { allOf: [{ query, timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0, failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } }] },
        actions: group ? { actionGroups: [group.id] } : undefined,
      }, parent));
    }

    this.eventDeadLetters = new monitor.MetricAlert(`${name}-event-dead-letters`, {
      ruleName: `${args.namePrefix}-event-dead-letters`,
      resourceGroupName: args.resourceGroupName,
      location: 'global',
      description: 'Event Grid dead-lettered BlobCreated events it could not deliver to the images function',
      severity: 1,
      enabled: true,
      scopes: [args.blobEventsTopicId],
      evaluationFrequency: 'PT5M',
      windowSize: 'PT5M',
      criteria: {
        odataType: 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
        allOf: [{ criterionType: 'StaticThresholdCriterion', name: 'dead-lettered', metricName: 'DeadLetteredCount', metricNamespace: 'Microsoft.EventGrid/systemTopics', operator: 'GreaterThan', threshold: 0, timeAggregation: 'Total' }],
      },
      actions: group ? [{ actionGroupId: group.id }] : undefined,
    }, parent);
    this.registerOutputs({});
  }
}
