/**
 * The environment the GCP functions get in tests and benchmarks, without starting anything: kept
 * apart from functions-env.ts, whose peers register a mocha hook when loaded, so that the
 * benchmarks (no mocha) can use it too.
 */
import { gcpEmulatorEnvironment, gcpEnvironment as names } from '../../../../adapters/gcp/environment';

export interface GcpTopics {
  payments: string;
  events: string;
  ordersDeadLetters: string;
  imagesDeadLetters: string;
}

/** The resources the GCP functions are pointed at in a test or a benchmark. */
export interface GcpTestResources {
  projectId: string;
  originals: string;
  compressed: string;
  topics: GcpTopics;
  /** The Cloud Storage stand-in, in place of Google's API (no emulator exists). */
  storageEndpoint: string;
}

/**
 * The variables infra/gcp sets on the functions (names from adapters/gcp/environment.ts), pointed
 * at `resources`, plus what makes the client libraries work offline: the storage stand-in and no
 * metadata-server lookup. The Firestore and Pub/Sub emulator hosts are gcp-peers' to set.
 */
export function gcpFunctionsEnvironment(resources: GcpTestResources): Record<string, string> {
  const { projectId, originals, compressed, topics, storageEndpoint } = resources;
  return {
    [names.common.projectId]: projectId,
    [names.images.originalsBucket]: originals,
    [names.images.compressedBucket]: compressed,
    [names.images.deadLetterTopic]: topics.imagesDeadLetters,
    [names.orders.paymentsTopic]: topics.payments,
    [names.orders.eventsTopic]: topics.events,
    [names.orders.deadLetterTopic]: topics.ordersDeadLetters,
    [gcpEmulatorEnvironment.storage]: storageEndpoint,
    METADATA_SERVER_DETECTION: 'none',
  };
}
