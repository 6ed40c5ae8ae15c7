/**
 * Cloud Monitoring alert policies: any failed invocation of any function, and any message waiting
 * in a dead-letter subscription, each notifying the stack's notification channels. Without
 * channels the incidents still show in the console.
 */
import * as pulumi from '@pulumi/pulumi';
import * as monitoring from '@pulumi/gcp/monitoring';

export interface AlarmsArgs {
  project: string;
  namePrefix: string;
  /** Function (Cloud Run service) names by role (`images`, `users`, `orders`). */
  functions: Record<string, pulumi.Input<string>>;
  /** The subscriptions that keep dead letters, by role. */
  deadLetterSubscriptions: Record<string, pulumi.Input<string>>;
  notificationChannels: string[];
  dependsOn: pulumi.Resource[];
}

/** Five minutes, as the CloudWatch alarms on AWS. */
const window = '300s';

export class Alarms extends pulumi.ComponentResource {
  readonly policies: monitoring.AlertPolicy[] = [];

  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:gcp:Alarms', name, {}, opts);
    const policy = (key: string, displayName: string, condition: monitoring.AlertPolicyArgs['conditions']) =>
      this.policies.push(new monitoring.AlertPolicy(`${name}-${key}`, {
        project: args.project,
        displayName,
        combiner: 'OR',
        conditions: condition,
        notificationChannels: args.notificationChannels,
        alertStrategy: { autoClose: '86400s' },
      }, { parent: this, dependsOn: args.dependsOn }));

    for (const [role, service] of Object.entries(args.functions)) {
      // A 2nd gen function runs as a Cloud Run service: a failed invocation (a thrown error, a
      // timeout, a crash, or the 503 the orders function answers to get a message redelivered)
      // is a 5xx response in run.googleapis.com/request_count.
      policy(`${role}-errors`, `${args.namePrefix} ${role} function errors`, [{
        displayName: `The ${role} function answered 5xx`,
        conditionThreshold: {
          filter: pulumi.interpolate`resource.type = "cloud_run_revision" AND resource.labels.service_name = "${service}" AND metric.type = "run.googleapis.com/request_count" AND metric.labels.response_code_class = "5xx"`,
          comparison: 'COMPARISON_GT',
          thresholdValue: 0,
          duration: '0s',
          aggregations: [{ alignmentPeriod: window, perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM' }],
        },
      }]);
    }
    for (const [role, subscription] of Object.entries(args.deadLetterSubscriptions)) {
      policy(`${role}-dead-letters`, `${args.namePrefix} ${role} dead letters`, [{
        displayName: `Messages are waiting in the ${role} dead letters`,
        conditionThreshold: {
          filter: pulumi.interpolate`resource.type = "pubsub_subscription" AND resource.labels.subscription_id = "${subscription}" AND metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"`,
          comparison: 'COMPARISON_GT',
          thresholdValue: 0,
          duration: '0s',
          aggregations: [{ alignmentPeriod: window, perSeriesAligner: 'ALIGN_MAX' }],
        },
      }]);
    }
    this.registerOutputs({});
  }
}
