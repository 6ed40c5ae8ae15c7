/**
 * The SDK clients a cloud stack's redrive uses, from the stack's config and outputs, with the SDKs'
 * usual credential chains: AWS in the stack's `aws:region`; Azure Storage by
 * AZURE_STORAGE_CONNECTION_STRING when set, else the stack's account with DefaultAzureCredential;
 * Google Cloud in the stack's `gcp:project`, the Pub/Sub client closed when the run ends.
 */
import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { PubSub } from '@google-cloud/pubsub';
import { output, type Outputs } from './letters';

/** An AWS client's configuration: the stack's region, or the SDK's own default. */
export function awsClientConfig(config: Record<string, unknown>): { region?: string } {
  return typeof config['aws:region'] === 'string' ? { region: config['aws:region'] } : {};
}

/** The stack's storage account's queues and blobs; built without any request. */
export function azureStorage(outputs: Outputs, env: NodeJS.ProcessEnv): { queues: QueueServiceClient; blobs: BlobServiceClient } {
  const connection = env.AZURE_STORAGE_CONNECTION_STRING;
  if (connection) return { queues: QueueServiceClient.fromConnectionString(connection), blobs: BlobServiceClient.fromConnectionString(connection) };
  const account = output(outputs, 'storageAccountName');
  const credential = new DefaultAzureCredential();
  return {
    queues: new QueueServiceClient(`https://${account}.queue.core.windows.net`, credential),
    blobs: new BlobServiceClient(`https://${account}.blob.core.windows.net`, credential),
  };
}

/** A Google client's options: the stack's project, or the environment's default. */
export function gcpClientOptions(config: Record<string, unknown>): { projectId?: string } {
  return typeof config['gcp:project'] === 'string' ? { projectId: config['gcp:project'] } : {};
}

/** Runs `use` with a Pub/Sub client for the stack's project, closed afterwards (its streams keep the process alive). */
export async function withPubSub<T>(config: Record<string, unknown>, use: (pubsub: PubSub) => Promise<T>): Promise<T> {
  const pubsub = new PubSub(gcpClientOptions(config));
  try {
    return await use(pubsub);
  } finally {
    await pubsub.close();
  }
}
