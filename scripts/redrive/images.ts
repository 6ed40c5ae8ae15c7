/**
 * `npm run redrive -- <stack> images` on a cloud stack: the clients for the stack's cloud, and the
 * outputs that name its images dead letters and its originals bucket (objects.ts says how a letter
 * is replayed; aws-images.ts, azure-images.ts and gcp-images.ts, where each cloud's letters are).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Storage } from '@google-cloud/storage';
import { redriveAwsImages } from './aws-images';
import { redriveAzureImages } from './azure-images';
import { awsClientConfig, azureStorage, gcpClientOptions, withPubSub } from './clients';
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
    const client = awsClientConfig(config);
    return await redriveAwsImages(
      new SQSClient(client),
      new S3Client(client),
      { deadLetterQueueUrl: output(outputs, 'imagesDeadLetterQueueUrl'), originalsBucket: output(outputs, 'originalsBucketName') },
      options,
    );
  }
  if (cloud === 'azure') {
    return await redriveAzureImages(
      azureStorage(outputs, env).blobs,
      { deadLetterContainer: output(outputs, 'imagesDeadLetterContainerName'), originalsContainer: output(outputs, 'originalsContainerName') },
      options,
    );
  }
  return await withPubSub(config, (pubsub) =>
    redriveGcpImages(
      pubsub,
      new Storage(gcpClientOptions(config)),
      { deadLetterSubscription: output(outputs, 'imagesDeadLetterSubscription'), originalsBucket: output(outputs, 'originalsBucketName') },
      options,
    ),
  );
}
