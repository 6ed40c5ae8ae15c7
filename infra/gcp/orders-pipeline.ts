/**
 * The orders pipeline on Pub/Sub: the orders topic, its dead-letter topic (kept by a
 * subscription), the payments topic (kept for the payments consumer, as the payments queue is on
 * the other clouds) and the events topic the orders function relays to; and, once the function
 * exists, the push subscription that delivers each order to it, with its dead-letter policy,
 * retry backoff and ack deadline, and the IAM all of that needs.
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import { keptTopic } from './buckets';
import type { ServerlessFunction } from './function';
import { accountId, bind, serviceAccountMember } from './iam';
import { seconds } from './options';

export interface OrdersPipelineArgs {
  project: string;
  namePrefix: string;
  dependsOn: pulumi.Resource[];
}

export interface Delivery {
  /** Deliveries before Pub/Sub forwards a message to the dead-letter topic (5-100). */
  maxDeliveryAttempts: number;
  /** The orders function's timeout, which the ack deadline must cover. */
  functionTimeoutSeconds: number;
  minBackoffSeconds: number;
  maxBackoffSeconds: number;
  /** The project's Pub/Sub service agent, `service-<number>@gcp-sa-pubsub.iam.gserviceaccount.com`. */
  pubsubAgentEmail: pulumi.Input<string>;
}

/**
 * A push delivery not answered within the ack deadline is delivered again, so the deadline must
 * cover the function's timeout. The API takes 10 to 600 s (Subscription.ackDeadlineSeconds);
 * infra/limits.ts keeps the orders timeout at most 600 s.
 */
export function ackDeadlineFor(functionTimeoutSeconds: number): number {
  return Math.min(600, Math.max(10, functionTimeoutSeconds));
}

export class OrdersPipeline extends pulumi.ComponentResource {
  readonly orders: pubsub.Topic;
  readonly deadLetters: pubsub.Topic;
  readonly deadLettersKept: pubsub.Subscription;
  readonly payments: pubsub.Topic;
  readonly paymentsKept: pubsub.Subscription;
  readonly events: pubsub.Topic;
  /** The identity Pub/Sub signs push requests as: the only invoker of the orders function. */
  readonly pushAccount: serviceaccount.Account;
  push?: pubsub.Subscription;

  constructor(private readonly baseName: string, private readonly args: OrdersPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:gcp:OrdersPipeline', baseName, {}, opts);
    const { project, namePrefix: prefix, dependsOn } = args;
    this.orders = new pubsub.Topic(`${baseName}-orders`, { project, name: `${prefix}-orders` }, { parent: this, dependsOn });
    const dead = keptTopic(`${baseName}-dead-letters`, project, `${prefix}-orders-dead-letters`, this, dependsOn);
    this.deadLetters = dead.topic;
    this.deadLettersKept = dead.kept;
    const payments = keptTopic(`${baseName}-payments`, project, `${prefix}-payments`, this, dependsOn);
    this.payments = payments.topic;
    this.paymentsKept = payments.kept;
    this.events = new pubsub.Topic(`${baseName}-events`, { project, name: `${prefix}-order-events` }, { parent: this, dependsOn });
    this.pushAccount = new serviceaccount.Account(`${baseName}-push-identity`, {
      project,
      accountId: accountId(prefix, 'orders-push'),
      displayName: `${prefix} orders push`,
      description: 'Pub/Sub pushes orders to the orders function with OIDC tokens of this identity',
    }, { parent: this, dependsOn });
    this.registerOutputs({ orders: this.orders.name, payments: this.payments.name, events: this.events.name, deadLetters: this.deadLetters.name });
  }

  /** Pushes each order to the function, and wires the dead-letter policy's IAM. */
  deliverTo(fn: ServerlessFunction, delivery: Delivery): pubsub.Subscription {
    const name = this.baseName;
    const project = this.args.project;
    const parent = { parent: this };
    const pushMember = serviceAccountMember(this.pushAccount.email);
    const agent = serviceAccountMember(delivery.pubsubAgentEmail);

    const invoker = bind(`${name}-push-invokes`, project, pushMember, {
      label: 'push-invokes', role: 'roles/run.invoker', on: { service: fn.serviceName, location: fn.region },
    }, parent);
    // Pub/Sub mints the OIDC tokens as its service agent; projects created before 8 April 2021
    // lack this role by default (Pub/Sub, "Authentication for push subscriptions").
    const mintsTokens = bind(`${name}-agent-mints-tokens`, project, agent, {
      label: 'agent-mints-tokens', role: 'roles/iam.serviceAccountTokenCreator', on: { serviceAccount: this.pushAccount.name },
    }, parent);

    this.push = new pubsub.Subscription(`${name}-push`, {
      project,
      name: `${this.args.namePrefix}-orders-push`,
      topic: this.orders.id,
      ackDeadlineSeconds: ackDeadlineFor(delivery.functionTimeoutSeconds),
      // Orders wait up to 4 days for a healthy function, as on AWS.
      messageRetentionDuration: seconds(4 * 24 * 60 * 60),
      expirationPolicy: { ttl: '' },
      // Pushed to the Cloud Run service's URL, the audience Cloud Run checks tokens against
      // (Pub/Sub, "Authentication for push subscriptions"; Cloud Run, "Use Pub/Sub with Cloud Run").
      pushConfig: {
        pushEndpoint: fn.serviceUri,
        oidcToken: { serviceAccountEmail: this.pushAccount.email, audience: fn.serviceUri },
      },
      deadLetterPolicy: { deadLetterTopic: this.deadLetters.id, maxDeliveryAttempts: delivery.maxDeliveryAttempts },
      retryPolicy: {
        minimumBackoff: seconds(delivery.minBackoffSeconds),
        maximumBackoff: seconds(delivery.maxBackoffSeconds),
      },
    }, { parent: this, dependsOn: [invoker, mintsTokens] });

    // The dead-letter policy forwards as the Pub/Sub service agent: it must publish to the
    // dead-letter topic and subscribe to the source subscription (Pub/Sub, "Dead-letter topics",
    // grant forwarding permissions); without them messages are never forwarded.
    bind(`${name}-agent-publishes-dead-letters`, project, agent, {
      label: 'agent-publishes-dead-letters', role: 'roles/pubsub.publisher', on: { topic: this.deadLetters.name },
    }, parent);
    bind(`${name}-agent-subscribes-orders`, project, agent, {
      label: 'agent-subscribes-orders', role: 'roles/pubsub.subscriber', on: { subscription: this.push.name },
    }, parent);
    return this.push;
  }
}
