/**
 * SQS records to the neutral QueueMessage, and the partial-batch reply. Pure: no I/O.
 * Record shape: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
import { PermanentError } from '../../../handlers/errors';
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
  /** Typed as SQS sends them; the orders entry point still checks each one (queueMessage). */
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

/**
 * The record as a QueueMessage; a PermanentError (with the reason for the dead letter) when the
 * record is not what SQS sends: not an object, or without a string `messageId` or `body`. SQS
 * itself never sends such a record, but a hand-built or replayed event can, and it must cost that
 * record alone, not the batch (see ../orders.ts).
 */
export function queueMessage(input: unknown): QueueMessage {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PermanentError(`SQS record is not an object (${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input})`);
  }
  const record = input as Partial<SqsRecord>;
  if (typeof record.messageId !== 'string' || record.messageId === '') throw new PermanentError('SQS record has no messageId');
  if (typeof record.body !== 'string') throw new PermanentError(`SQS record ${record.messageId} has no body`);
  const count = attemptsOf(record);
  const message: QueueMessage = {
    id: record.messageId,
    // SQS bodies are text as sent; unlike storage queues, SQS never base64-encodes them itself.
    body: record.body,
    attempts: count,
  };
  const attributes: Record<string, string> = {};
  const messageAttributes = typeof record.messageAttributes === 'object' && record.messageAttributes !== null ? record.messageAttributes : {};
  for (const [name, attr] of Object.entries(messageAttributes)) {
    // String and Number attributes carry stringValue; Binary ones have no text form and are left out.
    if (typeof attr?.stringValue === 'string') attributes[name] = attr.stringValue;
  }
  if (Object.keys(attributes).length > 0) message.attributes = attributes;
  return message;
}

/** Deliveries so far, this one included, from `ApproximateReceiveCount`; 1 when unreadable. */
export function attemptsOf(record: unknown): number {
  const attributes = typeof record === 'object' && record !== null ? (record as Partial<SqsRecord>).attributes : undefined;
  const count = Number(typeof attributes === 'object' && attributes !== null ? attributes.ApproximateReceiveCount : undefined);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** The `messageId` of a record, if it has a usable one (only those can be listed for a retry). */
export function messageIdOf(record: unknown): string | undefined {
  const id = typeof record === 'object' && record !== null ? (record as Partial<SqsRecord>).messageId : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * What a dead letter keeps of a record that could not be read as a message: its body when it has
 * a string one, else the whole record as JSON (or as text, for `undefined`).
 */
export function originalTextOf(record: unknown): string {
  const body = typeof record === 'object' && record !== null ? (record as Partial<SqsRecord>).body : undefined;
  if (typeof body === 'string') return body;
  return JSON.stringify(record) ?? String(record);
}

export function batchResponse(failedMessageIds: readonly string[]): SqsBatchResponse {
  return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
}
