/**
 * `npm run redrive -- <stack> images` on a cloud stack: the clients for the stack's cloud, and the
 * outputs that name its images dead letters and its originals bucket (objects.ts says how a letter
 * is replayed; aws-images.ts, azure-images.ts and gcp-images.ts, where each cloud's letters are).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { redriveAwsImages } from './aws-images';
import { redriveAzureImages } from './azure-images';
import { redriveGcpImages } from './gcp-images';
import { output, type Moved, type Outputs, type RedriveOptions } from './letters';

export async function redriveImages(
  cloud: 'aws' | 'azure' | 'gcp',
  config: Record<string, unknown>,
  outputs: Outputs,
  env: NodeJS.ProcessEnv,
  options: RedriveOptions,
): Promise<Moved[]> {
  if (cloud === 'aws') {
    const region = typeof config['aws:region'] === 'string' ? { region: config['aws:region'] } : {};
    return await redriveAwsImages(
      new SQSClient(region),
      new S3Client(region),
      { deadLetterQueueUrl: output(outputs, 'imagesDeadLetterQueueUrl'), originalsBucket: output(outputs, 'originalsBucketName') },
      options,
    );
  }
  if (cloud === 'azure') {
    const connection = env.AZURE_STORAGE_CONNECTION_STRING;
    const blobs = connection
      ? BlobServiceClient.fromConnectionString(connection)
      : new BlobServiceClient(`https://${output(outputs, 'storageAccountName')}.blob.core.windows.net`, new DefaultAzureCredential());
    return await redriveAzureImages(
      blobs,
      { deadLetterContainer: output(outputs, 'imagesDeadLetterContainerName'), originalsContainer: output(outputs, 'originalsContainerName') },
      options,
    );
  }
  const projectId = typeof config['gcp:project'] === 'string' ? { projectId: config['gcp:project'] } : {};
  const pubsub = new PubSub(projectId);
  try {
    return await redriveGcpImages(
      pubsub,
      new Storage(projectId),
      { deadLetterSubscription: output(outputs, 'imagesDeadLetterSubscription'), originalsBucket: output(outputs, 'originalsBucketName') },
      options,
    );
  } finally {
    await pubsub.close();
  }
}
