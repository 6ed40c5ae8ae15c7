/**
 * Alarms exist for errors and for dead letters: every function has an error alarm and every
 * dead-letter destination has one on its depth, so a failure is seen without reading logs.
 * AWS: CloudWatch alarms on AWS/Lambda Errors per function and on the dead-letter queues'
 * ApproximateNumberOfMessagesVisible. Azure: an enabled Azure Monitor rule on failed invocations,
 * one on dead-lettered queue messages, and a DeadLetteredCount alert on every Event Grid system
 * topic that dead-letters. Google Cloud: an alert policy per function and per dead-letter topic
 * (on a subscription of that topic).
 */
import { jsonInput, ofType, sourcesOf, violation, type Rule, type StackResource, type Violation } from '../resources';

const name = 'alarms-exist';

function aws(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  const alarms = ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm');
  const watches = (namespace: string, metric: string, dimension: string, target: StackResource, value: unknown) => alarms.some((a) => {
    if (a.props.namespace !== namespace || a.props.metricName !== metric) return false;
    const dimensions = (a.props.dimensions ?? {}) as Record<string, unknown>;
    return (value !== undefined && dimensions[dimension] === value) || (a.propertyDependencies.dimensions ?? []).includes(target.urn);
  });
  for (const fn of ofType(resources, 'aws:lambda/function:Function')) {
    if (!watches('AWS/Lambda', 'Errors', 'FunctionName', fn, fn.props.name)) found.push(violation(name, fn, 'has no CloudWatch alarm on AWS/Lambda Errors with dimension FunctionName: add one'));
  }
  const deadLetterQueues = new Set<StackResource>();
  const queues = ofType(resources, 'aws:sqs/queue:Queue');
  for (const queue of queues) {
    // The link first (an ARN is unknown in a preview until its queue exists); else the queue's name ends the target ARN.
    const linked = sourcesOf(resources, queue, 'redrivePolicy').filter((q) => q.type === 'aws:sqs/queue:Queue');
    for (const q of linked) deadLetterQueues.add(q);
    if (linked.length > 0) continue;
    const target = jsonInput(queue.props.redrivePolicy)?.deadLetterTargetArn;
    if (typeof target === 'string') for (const q of queues) if (q.props.name !== undefined && target.endsWith(`:${String(q.props.name)}`)) deadLetterQueues.add(q);
  }
  for (const config of ofType(resources, 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig')) {
    const linked = sourcesOf(resources, config, 'destinationConfig').filter((q) => q.type === 'aws:sqs/queue:Queue');
    for (const q of linked) deadLetterQueues.add(q);
    if (linked.length > 0) continue;
    const destination = (config.props.destinationConfig as { onFailure?: { destination?: unknown } } | undefined)?.onFailure?.destination;
    for (const q of queues) if (typeof destination === 'string' && q.props.name !== undefined && destination.endsWith(`:${String(q.props.name)}`)) deadLetterQueues.add(q);
  }
  for (const queue of deadLetterQueues) {
    if (!watches('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queue, queue.props.name)) {
      found.push(violation(name, queue, 'is a dead-letter queue with no CloudWatch alarm on AWS/SQS ApproximateNumberOfMessagesVisible (dimension QueueName): add one'));
    }
  }
  return found;
}

function azure(resources: readonly StackResource[]): Violation[] {
  const apps = ofType(resources, 'azure-native:web:WebApp');
  if (apps.length === 0) return [];
  const found: Violation[] = [];
  const rules = ofType(resources, 'azure-native:monitor:ScheduledQueryRule').filter((r) => r.props.enabled !== false);
  const queries = rules.map((r) => ({ rule: r, text: JSON.stringify((r.props.criteria as { allOf?: unknown[] } | undefined)?.allOf ?? []) }));
  if (!queries.some((q) => /success\s*==\s*false/.test(q.text) || /exceptions/.test(q.text))) {
    found.push(violation(name, apps[0], 'has no enabled Azure Monitor alert on failed invocations: add a ScheduledQueryRule on `requests | where success == false`'));
  }
  const hasQueueTrigger = apps.some((a) => JSON.stringify(a.props.siteConfig ?? {}).includes('_QUEUE_CONNECTION'));
  if (hasQueueTrigger && !queries.some((q) => /dead-letter|MaxDequeueCount|poison/i.test(q.text))) {
    found.push(violation(name, apps[0], 'has a queue trigger but no alert on dead-lettered (poison) messages: add a ScheduledQueryRule on the traces that report them'));
  }
  const metricAlerts = ofType(resources, 'azure-native:monitor:MetricAlert').filter((a) => a.props.enabled !== false);
  for (const subscription of ofType(resources, 'azure-native:eventgrid:SystemTopicEventSubscription')) {
    const topic = String(subscription.props.systemTopicName ?? '');
    const watched = metricAlerts.some((a) => JSON.stringify(a.props.criteria ?? {}).includes('DeadLetteredCount') && ((a.props.scopes as unknown[] | undefined) ?? []).some((s) => String(s).endsWith(`/systemTopics/${topic}`)));
    if (!watched) found.push(violation(name, subscription, `dead-letters events but no MetricAlert watches DeadLetteredCount on system topic "${topic}": add one`));
  }
  return found;
}

function gcp(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  const filters = ofType(resources, 'gcp:monitoring/alertPolicy:AlertPolicy').filter((p) => p.props.enabled !== false).map((p) => JSON.stringify(p.props.conditions ?? []));
  const mentioned = (text: string) => filters.some((f) => f.includes(JSON.stringify(text).slice(1, -1)));
  for (const fn of ofType(resources, 'gcp:cloudfunctionsv2/function:Function')) {
    if (!mentioned(`service_name = "${String(fn.props.name)}"`)) found.push(violation(name, fn, `has no alert policy on its errors: add one filtering resource.labels.service_name = "${String(fn.props.name)}"`));
  }
  const subscriptions = ofType(resources, 'gcp:pubsub/subscription:Subscription');
  const deadLetterTopics = new Set<string>();
  for (const s of subscriptions) {
    const topic = (s.props.deadLetterPolicy as { deadLetterTopic?: unknown } | undefined)?.deadLetterTopic;
    if (typeof topic === 'string') deadLetterTopics.add(topic.split('/').at(-1)!);
  }
  for (const fn of ofType(resources, 'gcp:cloudfunctionsv2/function:Function')) {
    const env = ((fn.props.serviceConfig as { environmentVariables?: Record<string, unknown> } | undefined)?.environmentVariables) ?? {};
    for (const [k, v] of Object.entries(env)) if (k.endsWith('_DEAD_LETTER_TOPIC')) deadLetterTopics.add(String(v));
  }
  for (const topicName of deadLetterTopics) {
    const topic = ofType(resources, 'gcp:pubsub/topic:Topic').find((t) => t.props.name === topicName);
    const readers = subscriptions.filter((s) => String(s.props.topic ?? '').split('/').at(-1) === topicName);
    if (!readers.some((s) => mentioned(`subscription_id = "${String(s.props.name)}"`))) {
      found.push(violation(name, topic, `dead-letter topic "${topicName}" has no alert: add a subscription that keeps its messages and an alert policy on its num_undelivered_messages`));
    }
  }
  return found;
}

export const alarms: Rule = {
  name,
  description: 'Every function has an error alarm and every dead-letter destination an alarm on its depth.',
  check: (resources) => [...aws(resources), ...azure(resources), ...gcp(resources)],
};
