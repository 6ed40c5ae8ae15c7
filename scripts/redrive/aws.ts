/**
 * AWS orders: the orders dead-letter queue back to the orders queue, by receive, send, delete
 * (the original text for the platform's letters, `message` for ours). Receive/send/delete rather
 * than the SQS message move task (StartMessageMoveTask): the move task returns the platform's
 * letters only as they are, cannot unwrap our envelopes, and is not offered by the local emulator.
 * A message is deleted from the DLQ only after its copy is sent: a crash in between leaves a
 * duplicate, which the orders function answers as `duplicate`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { orderIdOf } from '../../handlers/orders/dead-letter';
import { contentOf, describe, type Moved, type RedriveOptions } from './letters';

export interface AwsOrdersTarget {
  deadLetterQueueUrl: string;
  ordersQueueUrl: string;
}

export async function redriveAwsOrders(sqs: SQSClient, target: AwsOrdersTarget, options: RedriveOptions): Promise<Moved[]> {
  const report: Moved[] = [];
  const seen = new Set<string>();
  while (report.length < options.limit) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: target.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, options.limit - report.length),
        WaitTimeSeconds: 1,
        // long enough to send and delete; in a dry run, hidden until the run ends so none is listed twice
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = (out.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (messages.length === 0) break;
    for (const m of messages) {
      seen.add(m.MessageId!);
      const content = contentOf(m.Body ?? '');
      if (content.original === undefined) {
        report.push(describe(m.MessageId!, content, 'skipped: the letter holds no message'));
        continue;
      }
      if (options.dryRun) {
        report.push(describe(m.MessageId!, content, 'would move'));
        continue;
      }
      const orderId = orderIdOf(content.original);
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: target.ordersQueueUrl,
          MessageBody: content.original,
          ...(orderId ? { MessageAttributes: { order_id: { DataType: 'String', StringValue: orderId } } } : {}),
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: target.deadLetterQueueUrl, ReceiptHandle: m.ReceiptHandle! }));
      report.push(describe(m.MessageId!, content, 'moved'));
    }
  }
  return report;
}
