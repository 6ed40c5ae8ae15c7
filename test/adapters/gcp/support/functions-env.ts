/**
 * The environment the GCP entry points run in during tests, set up ONCE per run because the
 * wiring builds its clients once per process, as it does when deployed: Google's emulators
 * (gcp-peers), the Cloud Storage stand-in, and the topics named by `environment.ts`, each with a
 * pull subscription that collects what reaches it.
 */
import { PubSub } from '@google-cloud/pubsub';
import { randomUUID } from 'node:crypto';
import { beforeGcpPeersStop, gcpPeers } from '../../../support/gcp-peers';
import { gcpFunctionsEnvironment, type GcpTopics } from './functions-environment';
import { startGcsStandIn, type GcsStandIn } from './gcs-stand-in';
import { collect, createTopicWithSubscription, type Collector } from './pubsub-helpers';

export interface FunctionsEnv {
  pubsub: PubSub;
  storage: GcsStandIn;
  projectId: string;
  originals: string;
  compressed: string;
  topics: GcpTopics;
  received: { payments: Collector; events: Collector; ordersDeadLetters: Collector; imagesDeadLetters: Collector };
}

let env: Promise<FunctionsEnv> | undefined;

export function functionsEnv(): Promise<FunctionsEnv> {
  env ??= setUp();
  return env;
}

async function setUp(): Promise<FunctionsEnv> {
  const { projectId } = await gcpPeers();
  const run = randomUUID().slice(0, 8);
  const originals = `originals-${run}`;
  const compressed = `compressed-${run}`;
  const storage = await startGcsStandIn([originals, compressed]);
  const topics = {
    payments: `payments-${run}`,
    events: `events-${run}`,
    ordersDeadLetters: `orders-dead-letters-${run}`,
    imagesDeadLetters: `images-dead-letters-${run}`,
  };
  Object.assign(process.env, gcpFunctionsEnvironment({ projectId, originals, compressed, topics, storageEndpoint: storage.endpoint }));
  const pubsub = new PubSub({ projectId });
  const [payments, events, ordersDeadLetters, imagesDeadLetters] = await Promise.all(
    [topics.payments, topics.events, topics.ordersDeadLetters, topics.imagesDeadLetters].map((t) => createTopicWithSubscription(pubsub, t)),
  );
  return {
    pubsub,
    storage,
    projectId,
    originals,
    compressed,
    topics,
    received: {
      payments: collect(payments.subscription),
      events: collect(events.subscription),
      ordersDeadLetters: collect(ordersDeadLetters.subscription),
      imagesDeadLetters: collect(imagesDeadLetters.subscription),
    },
  };
}

beforeGcpPeersStop(async () => {
  const e = await env?.catch(() => undefined);
  await e?.pubsub.close();
  await e?.storage.close();
});
