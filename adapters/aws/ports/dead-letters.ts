/**
 * DeadLetterSink on an SQS queue: the function's own dead-letter queue, the same one that
 * receives what the platform gives up on (the SQS redrive, the Lambda on-failure destination).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterSink } from '../../../handlers/ports/dead-letters';
import { sqsSafeJson } from './sqs-body';

export class SqsDeadLetters implements DeadLetterSink {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async record(letter: DeadLetter): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: sqsSafeJson(letter),
        // Lets an operator tell our envelopes from the platform's raw redriven messages.
        MessageAttributes: {
          function: { DataType: 'String', StringValue: letter.function },
          envelope: { DataType: 'String', StringValue: 'dead-letter' },
        },
      }),
    );
  }
}
