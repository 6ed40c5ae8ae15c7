/**
 * The environment variables the AWS functions read: the ONE list, imported by the Pulumi program
 * (`infra/aws`) so that what it sets and what the adapters read cannot drift apart.
 * Function settings (`IMAGES_MAX_PIXELS`, `USERS_JWT_ISSUER`, ...) follow `handlers/settings.ts`.
 * The SDK's own variables (AWS_REGION, set by Lambda; AWS_ENDPOINT_URL_<SERVICE> for a local
 * peer) are read by the SDK itself and are not listed here.
 */
export const awsEnvironment = {
  images: {
    originalsBucket: 'ORIGINALS_BUCKET',
    compressedBucket: 'COMPRESSED_BUCKET',
    deadLetterQueueUrl: 'IMAGES_DEAD_LETTER_QUEUE_URL',
  },
  users: {
    usersTable: 'USERS_TABLE',
    /** Signed uploads go to the originals bucket, signed downloads come from the compressed one. */
    originalsBucket: 'ORIGINALS_BUCKET',
    compressedBucket: 'COMPRESSED_BUCKET',
  },
  orders: {
    ordersTable: 'ORDERS_TABLE',
    paymentsQueueUrl: 'PAYMENTS_QUEUE_URL',
    eventsTopicArn: 'EVENTS_TOPIC_ARN',
    deadLetterQueueUrl: 'ORDERS_DEAD_LETTER_QUEUE_URL',
  },
} as const;

export type Environment = Record<string, string | undefined>;

/** The value of a variable the Pulumi program always sets; its absence is a deployment error. */
export function required(env: Environment, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
