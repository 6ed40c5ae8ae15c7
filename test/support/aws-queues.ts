/** Reading what reached an SQS queue on the messaging peer, the way a consumer would. */
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { randomUUID } from 'node:crypto';

export interface ReceivedMessage {
  body: string;
  attributes: Record<string, string>;
  receiveCount: number;
}

export async function createQueue(sqs: SQSClient, name: string, attributes?: Record<string, string>) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${randomUUID().slice(0, 8)}`, Attributes: attributes }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

/** A topic with one queue subscribed, raw delivery: attributes arrive as SQS message attributes. */
export async function createTopicWithQueue(sns: SNSClient, sqs: SQSClient, name: string) {
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `${name}-${randomUUID().slice(0, 8)}` }))).TopicArn!;
  const queue = await createQueue(sqs, `${name}-subscriber`);
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' } }));
  return { topicArn, queue };
}

/** Receives (and deletes) what is on the queue now, polling briefly for stragglers. */
export async function drain(sqs: SQSClient, queueUrl: string, { waitSeconds = 1, deleteAfter = true } = {}): Promise<ReceivedMessage[]> {
  const got: ReceivedMessage[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return got;
    for (const m of messages) {
      const attributes: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) if (v.StringValue !== undefined) attributes[k] = v.StringValue;
      got.push({ body: m.Body ?? '', attributes, receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0) });
    }
    if (deleteAfter) {
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
      );
    }
    waitSeconds = 0;
  }
}
