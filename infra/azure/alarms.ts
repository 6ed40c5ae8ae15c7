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

/**
 * Kusto queries over the app's telemetry; each returns rows only when something went wrong.
 * - A failure is an invocation that threw (`success == false`) OR an HTTP answer of 500 or more:
 *   the users function answers a store failure with a 500 problem document and returns normally,
 *   and Functions marks a request failed only when the function throws.
 * - Each row carries `itemCount`, the number of telemetry items it stands for: under adaptive
 *   sampling one row may stand for many (https://learn.microsoft.com/azure/azure-monitor/app/sampling),
 *   so the rules sum it (`timeAggregation: 'Total'` over the `itemCount` column) instead of
 *   counting rows.
 */
export const alertQueries = {
  failures: 'requests | where success == false or toint(resultCode) >= 500 | project timestamp, operation_Name, itemCount',
  deadLetters: 'traces | where message has "dead-lettered" or message has "MaxDequeueCount" | project timestamp, operation_Name, itemCount',
} as const;

/** The column the rules add up: what each row stands for under sampling. */
export const measureColumn = 'itemCount';

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
        description: what === 'failures' ? 'A function invocation failed or answered HTTP 5xx' : 'A message or image was dead-lettered',
        severity: what === 'failures' ? 2 : 1,
        enabled: true,
        scopes: [args.insightsId],
        evaluationFrequency: 'PT5M',
        windowSize: 'PT5M',
        // Total of itemCount per function (one alert per operation_Name that failed).
        criteria: { allOf: [{
          query,
          timeAggregation: 'Total',
          metricMeasureColumn: measureColumn,
          dimensions: [{ name: 'operation_Name', operator: 'Include', values: ['*'] }],
          operator: 'GreaterThan',
          threshold: 0,
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
        }] },
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
