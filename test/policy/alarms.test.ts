/** Broken variants: alarms-exist fires for a function or a dead-letter destination left unwatched. */
import { expect } from 'chai';
import type { StackResource } from '../../policy/resources';
import { check, committedStack, without, withProps } from './stacks';

const rule = 'alarms-exist';

describe('policy: alarms-exist', function () {
  this.timeout(120000);
  let aws: StackResource[], azure: StackResource[], gcp: StackResource[];
  before(async () => {
    aws = await committedStack('aws');
    azure = await committedStack('azure');
    gcp = await committedStack('gcp');
  });

  it('AWS: a function without an Errors alarm, dead-letter queues (redrive and on-failure) without a depth alarm', () => {
    expect(check(rule, without(aws, 'aws:cloudwatch/metricAlarm:MetricAlarm', 'alarms-orders-errors'))).to.deep.equal([
      'aws:lambda/function:Function "orders-function": has no CloudWatch alarm on AWS/Lambda Errors with dimension FunctionName: add one',
    ]);
    expect(check(rule, without(aws, 'aws:cloudwatch/metricAlarm:MetricAlarm', 'alarms-orders-dead-letters'))).to.deep.equal([
      'aws:sqs/queue:Queue "orders-pipeline-dead-letters": is a dead-letter queue with no CloudWatch alarm on AWS/SQS ApproximateNumberOfMessagesVisible (dimension QueueName): add one',
    ]);
    expect(check(rule, without(aws, 'aws:cloudwatch/metricAlarm:MetricAlarm', 'alarms-images-dead-letters'))).to.have.length(1).and.to.match(/uploads-dead-letters": is a dead-letter queue/);
    // An alarm on another metric of the same queue does not count.
    const wrongMetric = withProps(aws, 'aws:cloudwatch/metricAlarm:MetricAlarm', 'alarms-orders-dead-letters', (p) => ({ ...p, metricName: 'NumberOfMessagesSent' }));
    expect(check(rule, wrongMetric)).to.have.length(1).and.to.match(/orders-pipeline-dead-letters/);
  });

  it('Azure: no alert on failures, none on poison messages, none on Event Grid dead letters', () => {
    expect(check(rule, without(azure, 'azure-native:monitor:ScheduledQueryRule', 'alarms-failures'))).to.deep.equal([
      'azure-native:web:WebApp "functions-app": has no enabled Azure Monitor alert on failed invocations: add a ScheduledQueryRule on `requests | where success == false`',
    ]);
    expect(check(rule, without(azure, 'azure-native:monitor:ScheduledQueryRule', 'alarms-deadLetters'))).to.deep.equal([
      'azure-native:web:WebApp "functions-app": has a queue trigger but no alert on dead-lettered (poison) messages: add a ScheduledQueryRule on the traces that report them',
    ]);
    expect(check(rule, without(azure, 'azure-native:monitor:MetricAlert', 'alarms-event-dead-letters'))).to.deep.equal([
      'azure-native:eventgrid:SystemTopicEventSubscription "uploads-originals-created": dead-letters events but no MetricAlert watches DeadLetteredCount on system topic "mcf-dev-azure-blob-events": add one',
    ]);
    const disabled = withProps(azure, 'azure-native:monitor:ScheduledQueryRule', 'alarms-failures', (p) => ({ ...p, enabled: false }));
    expect(check(rule, disabled)).to.have.length(1).and.to.match(/no enabled Azure Monitor alert on failed invocations/);
  });

  it('Google Cloud: a function without an error alert, a dead-letter topic without one', () => {
    expect(check(rule, without(gcp, 'gcp:monitoring/alertPolicy:AlertPolicy', 'alarms-users-errors'))).to.deep.equal([
      'gcp:cloudfunctionsv2/function:Function "users-function": has no alert policy on its errors: add one filtering resource.labels.service_name = "mcf-dev-gcp-users"',
    ]);
    expect(check(rule, without(gcp, 'gcp:monitoring/alertPolicy:AlertPolicy', 'alarms-orders-dead-letters'))).to.deep.equal([
      'gcp:pubsub/topic:Topic "orders-pipeline-dead-letters": dead-letter topic "mcf-dev-gcp-orders-dead-letters" has no alert: add a subscription that keeps its messages and an alert policy on its num_undelivered_messages',
    ]);
    expect(check(rule, without(gcp, 'gcp:monitoring/alertPolicy:AlertPolicy', 'alarms-images-dead-letters'))).to.have.length(1).and.to.match(/"mcf-dev-gcp-images-dead-letters" has no alert/);
  });
});
