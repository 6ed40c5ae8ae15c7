/**
 * `npm run redrive -- <stack> orders` on a cloud stack: the outputs that name its orders dead
 * letters and where they go back to (aws.ts, azure.ts and gcp.ts say how each cloud's move).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { redriveAwsOrders } from './aws';
import { redriveAzureOrders } from './azure';
import { awsClientConfig, azureStorage, withPubSub } from './clients';
import { redriveGcpOrders } from './gcp';
import { output, type Moved, type Outputs, type RedriveOptions } from './letters';

export async function redriveOrders(
  cloud: 'aws' | 'azure' | 'gcp',
  config: Record<string, unknown>,
  outputs: Outputs,
  env: NodeJS.ProcessEnv,
  options: RedriveOptions,
): Promise<Moved[]> {
  if (cloud === 'aws') {
    return await redriveAwsOrders(
      new SQSClient(awsClientConfig(config)),
      { deadLetterQueueUrl: output(outputs, 'ordersDeadLetterQueueUrl'), ordersQueueUrl: output(outputs, 'ordersQueueUrl') },
      options,
    );
  }
  if (cloud === 'azure') {
    const { queues, blobs } = azureStorage(outputs, env);
    return await redriveAzureOrders(queues, blobs, { ordersQueue: output(outputs, 'ordersQueueName') }, options);
  }
  return await withPubSub(config, (pubsub) =>
    redriveGcpOrders(pubsub, { ordersTopic: output(outputs, 'ordersTopic'), deadLetterSubscription: output(outputs, 'ordersDeadLetterSubscription') }, options),
  );
}
