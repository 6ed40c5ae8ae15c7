/**
 * Every queue- or event-fed function has a dead-letter path, so a message or event that keeps
 * failing ends somewhere someone can look, instead of being retried until it expires.
 * AWS: an SQS event source's queue has a redrive policy to a dead-letter queue; a function S3
 * invokes asynchronously has an on-failure destination. Azure: queue-triggered functions get a
 * bounded `maxDequeueCount` (then the host moves the message to `<queue>-poison`, which the stack
 * declares); Event Grid subscriptions dead-letter to a container. Google Cloud: push
 * subscriptions have a dead-letter policy; event-triggered functions name their dead-letter topic.
 */
import { jsonInput, linkedBy, ofType, sourcesOf, violation, type Rule, type StackResource, type Violation } from '../resources';

const name = 'dead-letter-path';
const lambda = 'aws:lambda/function:Function';

function aws(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const mapping of ofType(resources, 'aws:lambda/eventSourceMapping:EventSourceMapping')) {
    for (const queue of sourcesOf(resources, mapping, 'eventSourceArn').filter((r) => r.type === 'aws:sqs/queue:Queue')) {
      // The link first: in a preview the redrive policy holds the dead-letter queue's ARN, unknown
      // until that queue exists, and reading an unknown value turns the rule advisory.
      const hasTarget = (queue.propertyDependencies.redrivePolicy ?? []).length > 0 || jsonInput(queue.props.redrivePolicy)?.deadLetterTargetArn !== undefined;
      if (!hasTarget) found.push(violation(name, queue, 'feeds a function but has no redrivePolicy: set redrivePolicy { deadLetterTargetArn: <dead-letter queue ARN>, maxReceiveCount }'));
    }
  }
  for (const permission of ofType(resources, 'aws:lambda/permission:Permission').filter((p) => p.props.principal === 's3.amazonaws.com')) {
    for (const fn of sourcesOf(resources, permission, 'function').filter((r) => r.type === lambda)) {
      const configs = linkedBy(resources, ['aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig'], 'functionName', fn, fn.props.name);
      const onFailure = configs.some((c) => (c.props.destinationConfig as { onFailure?: { destination?: unknown } } | undefined)?.onFailure !== undefined);
      if (!onFailure) found.push(violation(name, fn, 'is invoked asynchronously by S3 but has no on-failure destination: add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination'));
    }
  }
  return found;
}

function azure(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  const queueNames = new Set(ofType(resources, 'azure-native:storage:Queue').map((q) => String(q.props.queueName)));
  for (const app of ofType(resources, 'azure-native:web:WebApp')) {
    const settings = new Map(((app.props.siteConfig as { appSettings?: { name: string; value: unknown }[] } | undefined)?.appSettings ?? []).map((s) => [s.name, s.value]));
    // A queue trigger connects through `<NAME>_QUEUE_CONNECTION` and reads its queue's name from
    // `<NAME>_QUEUE` (adapters/azure/orders.ts); queues the app only sends to have no connection.
    const triggers = [...new Set([...settings.keys()].map((k) => /^(.+)_QUEUE_CONNECTION(__|$)/.exec(k)?.[1]).filter((p): p is string => !!p))];
    if (triggers.length === 0) continue;
    if (!settings.has('AzureFunctionsJobHost__extensions__queues__maxDequeueCount')) {
      found.push(violation(name, app, 'has a queue trigger but no AzureFunctionsJobHost__extensions__queues__maxDequeueCount setting: set it to the stack\'s maxDeliveries'));
    }
    for (const trigger of triggers) {
      const queue = String(settings.get(`${trigger}_QUEUE`) ?? `%${trigger}_QUEUE%`);
      if (!queueNames.has(`${queue}-poison`)) found.push(violation(name, app, `consumes queue "${queue}" but the stack declares no "${queue}-poison" queue: declare it so its dead letters can be watched`));
    }
  }
  for (const subscription of ofType(resources, 'azure-native:eventgrid:SystemTopicEventSubscription', 'azure-native:eventgrid:EventSubscription')) {
    if (!subscription.props.deadLetterDestination && !subscription.props.deadLetterWithResourceIdentity) {
      found.push(violation(name, subscription, 'has no dead-letter destination: set deadLetterWithResourceIdentity { deadLetterDestination: { endpointType: "StorageBlob", ... } }'));
    }
  }
  return found;
}

function gcp(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const subscription of ofType(resources, 'gcp:pubsub/subscription:Subscription').filter((s) => s.props.pushConfig !== undefined)) {
    const policy = subscription.props.deadLetterPolicy as { deadLetterTopic?: unknown } | undefined;
    if (!policy || (policy.deadLetterTopic === undefined && (subscription.propertyDependencies.deadLetterPolicy ?? []).length === 0)) {
      found.push(violation(name, subscription, 'pushes to a function but has no deadLetterPolicy: set deadLetterPolicy { deadLetterTopic, maxDeliveryAttempts }'));
    }
  }
  const topics = new Set(ofType(resources, 'gcp:pubsub/topic:Topic').map((t) => String(t.props.name)));
  for (const fn of ofType(resources, 'gcp:cloudfunctionsv2/function:Function').filter((f) => f.props.eventTrigger !== undefined)) {
    const env = ((fn.props.serviceConfig as { environmentVariables?: Record<string, unknown> } | undefined)?.environmentVariables) ?? {};
    const deadLetterTopic = Object.entries(env).find(([k]) => k.endsWith('_DEAD_LETTER_TOPIC'))?.[1];
    if (deadLetterTopic === undefined || !topics.has(String(deadLetterTopic))) {
      found.push(violation(name, fn, 'is event-triggered but names no dead-letter topic of this stack: set <FUNCTION>_DEAD_LETTER_TOPIC to a gcp.pubsub.Topic it may publish to'));
    }
  }
  return found;
}

export const deadLetters: Rule = {
  name,
  description: 'Every queue- or event-fed function has a dead-letter path.',
  check: (resources) => [...aws(resources), ...azure(resources), ...gcp(resources)],
};
