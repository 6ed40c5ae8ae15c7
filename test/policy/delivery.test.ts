/** Broken variants: dead-letter-path and sqs-visibility-timeout fire, with the fix in the message. */
import { expect } from 'chai';
import type { StackResource } from '../../policy/resources';
import { check, committedStack, without, withProps } from './stacks';

const rule = 'dead-letter-path';

describe('policy: dead-letter-path', function () {
  this.timeout(120000);
  let aws: StackResource[], azure: StackResource[], gcp: StackResource[];
  before(async () => {
    aws = await committedStack('aws');
    azure = await committedStack('azure');
    gcp = await committedStack('gcp');
  });

  it('AWS: an event-source queue without a redrive policy, an S3-invoked function without an on-failure destination', () => {
    const noRedrive = withProps(aws, 'aws:sqs/queue:Queue', 'orders-pipeline-orders', (p) => ({ ...p, redrivePolicy: undefined }));
    expect(check(rule, noRedrive)).to.deep.equal(['aws:sqs/queue:Queue "orders-pipeline-orders": feeds a function but has no redrivePolicy: set redrivePolicy { deadLetterTargetArn: <dead-letter queue ARN>, maxReceiveCount }']);
    const noDestination = without(aws, 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'uploads-async');
    expect(check(rule, noDestination)).to.deep.equal(['aws:lambda/function:Function "images-function": is invoked asynchronously by S3 but has no on-failure destination: add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination']);
  });

  it('Azure: no bound on dequeues, no poison queue declared, an Event Grid subscription without dead letters', () => {
    const unbounded = withProps(azure, 'azure-native:web:WebApp', 'functions-app', (p) => {
      const site = p.siteConfig as { appSettings: { name: string }[] };
      return { ...p, siteConfig: { ...site, appSettings: site.appSettings.filter((s) => s.name !== 'AzureFunctionsJobHost__extensions__queues__maxDequeueCount') } };
    });
    expect(check(rule, unbounded)).to.deep.equal(['azure-native:web:WebApp "functions-app": has a queue trigger but no AzureFunctionsJobHost__extensions__queues__maxDequeueCount setting: set it to the stack\'s maxDeliveries']);
    const noPoison = without(azure, 'azure-native:storage:Queue', 'orders-pipeline-poison');
    expect(check(rule, noPoison)).to.deep.equal(['azure-native:web:WebApp "functions-app": consumes queue "orders" but the stack declares no "orders-poison" queue: declare it so its dead letters can be watched']);
    const noDeadLetters = withProps(azure, 'azure-native:eventgrid:SystemTopicEventSubscription', 'uploads-originals-created', (p) => ({ ...p, deadLetterWithResourceIdentity: undefined }));
    expect(check(rule, noDeadLetters)).to.have.length(1).and.to.match(/uploads-originals-created": has no dead-letter destination: set deadLetterWithResourceIdentity/);
  });

  it('Google Cloud: a push subscription without a dead-letter policy, an event-triggered function with no dead-letter topic', () => {
    const push = withProps(gcp, 'gcp:pubsub/subscription:Subscription', 'orders-pipeline-push', (p) => ({ ...p, deadLetterPolicy: undefined }));
    expect(check(rule, push)).to.deep.equal(['gcp:pubsub/subscription:Subscription "orders-pipeline-push": pushes to a function but has no deadLetterPolicy: set deadLetterPolicy { deadLetterTopic, maxDeliveryAttempts }']);
    const images = withProps(gcp, 'gcp:cloudfunctionsv2/function:Function', 'images-function', (p) => {
      const service = p.serviceConfig as { environmentVariables: Record<string, string> };
      const { IMAGES_DEAD_LETTER_TOPIC: _dropped, ...env } = service.environmentVariables;
      return { ...p, serviceConfig: { ...service, environmentVariables: env } };
    });
    expect(check(rule, images)).to.have.length(1).and.to.match(/images-function": is event-triggered but names no dead-letter topic of this stack: set <FUNCTION>_DEAD_LETTER_TOPIC/);
  });
});

describe('policy: sqs-visibility-timeout', function () {
  this.timeout(120000);
  let aws: StackResource[];
  before(async () => {
    aws = await committedStack('aws');
  });

  it('passes at exactly 6 x the function timeout, the committed stack (180 s for a 30 s function)', () => {
    const queue = aws.find((r) => r.name === 'orders-pipeline-orders')!;
    const fn = aws.find((r) => r.name === 'orders-function')!;
    expect([queue.props.visibilityTimeoutSeconds, fn.props.timeout]).to.deep.equal([180, 30]);
    expect(check('sqs-visibility-timeout', aws)).to.deep.equal([]);
  });

  it('fires one second short, and when the function timeout grows', () => {
    const short = withProps(aws, 'aws:sqs/queue:Queue', 'orders-pipeline-orders', (p) => ({ ...p, visibilityTimeoutSeconds: 179 }));
    expect(check('sqs-visibility-timeout', short)).to.deep.equal(['aws:sqs/queue:Queue "orders-pipeline-orders": has visibilityTimeoutSeconds 179 but feeds mcf-dev-orders (timeout 30 s): set it to at least 6 x 30 = 180']);
    const slower = withProps(aws, 'aws:lambda/function:Function', 'orders-function', (p) => ({ ...p, timeout: 45 }));
    expect(check('sqs-visibility-timeout', slower)).to.deep.equal(['aws:sqs/queue:Queue "orders-pipeline-orders": has visibilityTimeoutSeconds 180 but feeds mcf-dev-orders (timeout 45 s): set it to at least 6 x 45 = 270']);
  });

  it('an unset visibility timeout counts as the SQS default of 30 s', () => {
    const unset = withProps(aws, 'aws:sqs/queue:Queue', 'orders-pipeline-orders', (p) => ({ ...p, visibilityTimeoutSeconds: undefined }));
    expect(check('sqs-visibility-timeout', unset)).to.have.length(1).and.to.match(/visibilityTimeoutSeconds 30 .*at least 6 x 30 = 180/);
  });
});
