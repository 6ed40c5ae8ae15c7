/**
 * SQS records to the neutral QueueMessage, and the partial-batch reply. Pure: no I/O.
 * Record shape: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
import type { QueueMessage } from '../../../handlers/events';

export interface SqsMessageAttribute {
  stringValue?: string;
  binaryValue?: string;
  dataType: string;
}

export interface SqsRecord {
  messageId: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string; [name: string]: string | undefined };
  messageAttributes?: Record<string, SqsMessageAttribute>;
}

export interface SqsEvent {
  Records?: SqsRecord[];
}

/**
 * The reply of an event source mapping with `ReportBatchItemFailures`: only the listed records
 * become visible again; an empty list deletes the whole batch.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export function queueMessage(record: SqsRecord): QueueMessage {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  const message: QueueMessage = {
    id: record.messageId,
    // SQS bodies are text as sent; unlike storage queues, SQS never base64-encodes them itself.
    body: record.body,
    attempts: Number.isInteger(count) && count > 0 ? count : 1,
  };
  const attributes: Record<string, string> = {};
  for (const [name, attr] of Object.entries(record.messageAttributes ?? {})) {
    // String and Number attributes carry stringValue; Binary ones have no text form and are left out.
    if (typeof attr?.stringValue === 'string') attributes[name] = attr.stringValue;
  }
  if (Object.keys(attributes).length > 0) message.attributes = attributes;
  return message;
}

export function batchResponse(failedMessageIds: readonly string[]): SqsBatchResponse {
  return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
}
