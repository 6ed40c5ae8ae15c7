/**
 * The app settings the Azure functions read: the ONE list, imported by the Pulumi program
 * (`infra/azure`) so that what it sets and what the adapters read cannot drift apart.
 * Function settings (`IMAGES_MAX_PIXELS`, `USERS_JWT_ISSUER`, ...) follow `handlers/settings.ts`.
 *
 * In Azure there are no account keys in app settings: the clients authenticate with the app's
 * managed identity through `DefaultAzureCredential` (which reads `AZURE_CLIENT_ID` for a
 * user-assigned identity) against the service URLs below. Locally (Azurite) one connection
 * string replaces the three URLs.
 */
export const azureEnvironment = {
  storage: {
    /** Local only: an Azurite connection string; when set, the service URLs are not read. */
    connectionString: 'AZURE_STORAGE_CONNECTION_STRING',
    blobServiceUrl: 'STORAGE_BLOB_SERVICE_URL',
    queueServiceUrl: 'STORAGE_QUEUE_SERVICE_URL',
    tableServiceUrl: 'STORAGE_TABLE_SERVICE_URL',
    /** The client id of the user-assigned managed identity (read by DefaultAzureCredential). */
    managedIdentityClientId: 'AZURE_CLIENT_ID',
  },
  images: {
    originalsContainer: 'ORIGINALS_CONTAINER',
    compressedContainer: 'COMPRESSED_CONTAINER',
    deadLetterContainer: 'IMAGES_DEAD_LETTER_CONTAINER',
  },
  users: {
    usersTable: 'USERS_TABLE',
  },
  orders: {
    /** The trigger's queue; the host moves exhausted messages to `<queue>-poison`. */
    ordersQueue: 'ORDERS_QUEUE',
    ledgerTable: 'ORDERS_TABLE',
    paymentsQueue: 'PAYMENTS_QUEUE',
    /** The Event Grid custom topic's endpoint, e.g. https://<topic>.<region>-1.eventgrid.azure.net/api/events */
    eventsTopicEndpoint: 'EVENTS_TOPIC_ENDPOINT',
    /** Local only: the topic's access key (AzureKeyCredential); in Azure, Entra (EventGrid Data Sender). */
    eventsTopicKey: 'EVENTS_TOPIC_KEY',
    /** The container for dead letters too large for the poison queue (see ports/dead-letters.ts). */
    deadLetterContainer: 'ORDERS_DEAD_LETTER_CONTAINER',
    /** The outbox sweeper's NCRONTAB schedule, six fields from the second (outbox-sweep.ts, infra/azure/outbox-sweeper.ts). */
    sweepSchedule: 'ORDERS_SWEEP_SCHEDULE',
  },
} as const;

/**
 * The prefix of the storage queue trigger's identity-based connection. The host reads
 * `<prefix>__queueServiceUri`, `<prefix>__credential` (`managedidentity`) and `<prefix>__clientId`;
 * locally `<prefix>` itself may hold a connection string.
 * https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
 */
export const ordersQueueConnection = 'ORDERS_QUEUE_CONNECTION';

/**
 * App settings the adapters read when present and default when absent: not in `azureSettingNames`,
 * so infra need not set them.
 */
export const azureOptionalSettings = {
  /**
   * The users HTTP trigger's `authLevel`, read when the app starts (functions register at load):
   * `anonymous` (the default: the core authenticates with JWTs, and browser clients cannot send a
   * function key), `function` or `admin` (the host then demands a function or host key, in the
   * `x-functions-key` header or the `code` query parameter, before the core runs). For a private
   * API set `function`. Any other value stops the app from starting, naming the setting: a typo
   * must not silently leave the API open.
   * https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger#http-auth
   */
  usersAuthLevel: 'USERS_AUTH_LEVEL',
} as const;

/** Settings only a local run sets: in Azure the identity replaces the connection string and the key. */
export const azureLocalOnlySettings: readonly string[] = [azureEnvironment.storage.connectionString, azureEnvironment.orders.eventsTopicKey];

/** Every app setting name the adapters need, for infra to check it sets exactly these (optional ones: `azureOptionalSettings`). */
export function azureSettingNames(): string[] {
  const names = Object.values(azureEnvironment).flatMap((group) => Object.values(group) as string[]);
  return [...names, `${ordersQueueConnection}__queueServiceUri`];
}
