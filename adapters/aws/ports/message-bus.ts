/**
 * MessageBus on SQS (queues) and SNS (topics). Logical names (`payments`, `events`) map to a
 * queue URL or topic ARN given by the wiring. Standard queues and topics deliver at least once
 * and never deduplicate, so the dedup key goes in the body and as the `order_id` attribute.
 */
import { PublishCommand, type MessageAttributeValue as SnsAttribute, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type MessageAttributeValue as SqsAttribute, type SQSClient } from '@aws-sdk/client-sqs';
import type { MessageBus, PublishOptions, SendOptions } from '../../../handlers/ports/message-bus';
import { sqsSafeJson } from './sqs-body';

export interface SqsSnsDestinations {
  /** Logical queue name to queue URL. */
  queues: Record<string, string>;
  /** Logical topic name to topic ARN. */
  topics: Record<string, string>;
}

function stringAttributes(attributes: Record<string, string>): Record<string, SqsAttribute & SnsAttribute> {
  const out: Record<string, SqsAttribute & SnsAttribute> = {};
  // SQS and SNS both allow 10 attributes per message; ours carry two or three.
  for (const [name, value] of Object.entries(attributes)) out[name] = { DataType: 'String', StringValue: value };
  return out;
}

function lookup(map: Record<string, string>, name: string, kind: string): string {
  const target = map[name];
  if (!target) throw new Error(`no ${kind} is configured for "${name}"`);
  return target;
}

export class SqsSnsMessageBus implements MessageBus {
  constructor(
    private readonly sqs: SQSClient,
    private readonly sns: SNSClient,
    private readonly destinations: SqsSnsDestinations,
  ) {}

  async send(queue: string, message: Record<string, unknown>, options: SendOptions): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: lookup(this.destinations.queues, queue, 'queue'),
        MessageBody: sqsSafeJson(message),
        MessageAttributes: stringAttributes({ ...options.attributes, order_id: options.dedupKey }),
      }),
    );
  }

  async publish(topic: string, event: Record<string, unknown>, options: PublishOptions): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: lookup(this.destinations.topics, topic, 'topic'),
        Message: sqsSafeJson(event),
        // Subscribers filter on these (`event_type`) without parsing the body.
        MessageAttributes: stringAttributes(options.attributes),
      }),
    );
  }
}
