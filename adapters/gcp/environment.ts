/**
 * The environment variables the Google Cloud functions read: the ONE list, imported by the Pulumi
 * program (`infra/gcp`) so that what it sets and what the adapters read cannot drift apart.
 * Function settings (`IMAGES_MAX_PIXELS`, `USERS_JWT_ISSUER`, ...) follow `handlers/settings.ts`.
 *
 * Cloud Functions 2nd gen (nodejs22) no longer sets `GCP_PROJECT`, so the project is passed in
 * explicitly. The client libraries also honour the emulator variables listed in
 * `gcpEmulatorEnvironment`; production never sets them.
 */
export const gcpEnvironment = {
  common: {
    projectId: 'GCP_PROJECT_ID',
    /** The Firestore database id; `(default)` when unset. */
    firestoreDatabase: 'FIRESTORE_DATABASE',
  },
  images: {
    originalsBucket: 'ORIGINALS_BUCKET',
    compressedBucket: 'COMPRESSED_BUCKET',
    deadLetterTopic: 'IMAGES_DEAD_LETTER_TOPIC',
  },
  users: {
    /** Signed uploads go to the originals bucket, signed downloads come from the compressed one. */
    originalsBucket: 'ORIGINALS_BUCKET',
    compressedBucket: 'COMPRESSED_BUCKET',
  },
  orders: {
    paymentsTopic: 'PAYMENTS_TOPIC',
    eventsTopic: 'EVENTS_TOPIC',
    deadLetterTopic: 'ORDERS_DEAD_LETTER_TOPIC',
  },
} as const;

/** Read by the Google client libraries themselves; set only in tests and local runs. */
export const gcpEmulatorEnvironment = {
  firestore: 'FIRESTORE_EMULATOR_HOST',
  pubsub: 'PUBSUB_EMULATOR_HOST',
  storage: 'STORAGE_EMULATOR_HOST',
} as const;

/** Every name a function reads, for `infra/gcp` to set (and a test to compare with). */
export function gcpVariablesOf(fn: 'images' | 'users' | 'orders'): string[] {
  return [...Object.values(gcpEnvironment.common), ...Object.values(gcpEnvironment[fn])];
}

/** The value of a required variable; a missing one fails the cold start, naming it. */
export function required(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
