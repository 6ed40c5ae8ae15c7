/**
 * orders on Lambda: SQS batches through an event source mapping with ReportBatchItemFailures.
 * Each record stands alone: a transient failure is listed in `batchItemFailures` (only it is
 * delivered again; after maxReceiveCount the queue's redrive policy moves it to the DLQ), a
 * permanent one is written to the DLQ at once with its reason and not retried.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * A FIFO queue (records carry `attributes.MessageGroupId`) promises order within a message group.
 * Lambda's contract for it: "stop processing messages after the first failure and return all
 * failed and unprocessed messages in batchItemFailures" ("Implementing partial batch responses",
 * same page). So each group runs its records one after another and, at the first record to be
 * retried, reports it and every later record of its group unprocessed; groups still run side by
 * side, and standard-queue records (no group) all at once, as before. A record dead-lettered (a
 * permanent failure) is done: the group goes on, as it would once the redrive policy moved it.
 *
 * The same function is the target of the outbox sweeper's schedule (infra/aws/outbox-sweeper.ts):
 * an event that is SWEEP_REQUEST relays what is pending (handlers/orders/sweeper.ts); a sweep
 * that fails throws, and the next scheduled run tries again.
 */
import { deadLetterForMessage, onFailure } from '../../handlers/delivery';
import { reasonOf } from '../../handlers/errors';
import { processOrder, type OrdersDeps } from '../../handlers/orders';
import { ordersDeadLetter } from '../../handlers/orders/dead-letter';
import { sweepOutbox, type SweepResult } from '../../handlers/orders/sweeper';
import type { DeadLetterSink } from '../../handlers/ports/dead-letters';
import type { OrdersSettings } from '../../handlers/specs';
import type { QueueMessage } from '../../handlers/events';
import {
  attemptsOf,
  batchResponse,
  messageIdOf,
  originalTextOf,
  queueMessage,
  type SqsBatchResponse,
  type SqsEvent,
  type SqsRecord,
} from './events/queue-message';
import { isScheduledSweep } from './events/schedule';
import type { LambdaContext } from './images';
import { ordersWiring } from './wiring';

export interface OrdersWiring {
  deps: OrdersDeps;
  deadLetters: DeadLetterSink;
  settings: OrdersSettings;
}

export function createOrdersHandler({ deps, deadLetters, settings }: OrdersWiring) {
  async function handle(event: SqsEvent, context?: LambdaContext): Promise<SqsBatchResponse>;
  async function handle(event: unknown, context?: LambdaContext): Promise<SqsBatchResponse | SweepResult>;
  async function handle(event: unknown, context?: LambdaContext): Promise<SqsBatchResponse | SweepResult> {
    if (isScheduledSweep(event)) {
      return sweepOutbox({ ...deps, logger: deps.logger.child({ correlation_id: context?.awsRequestId }) }, settings);
    }
    return handleBatch(event as SqsEvent, context);
  }
  const handleBatch = async (event: SqsEvent, context?: LambdaContext): Promise<SqsBatchResponse> => {
    const logger = deps.logger.child({ function: 'orders', correlation_id: context?.awsRequestId });
    const retry: string[] = [];
    /** Handles one record; false when it is to be delivered again (then listed in `retry`). */
    const handle = async (record: SqsRecord): Promise<boolean> => {
      const again = await place(record);
      if (again !== undefined) retry.push(again);
      return again === undefined;
    };
    /** Places one record's order; the message id when it must be delivered again. */
    const place = async (record: SqsRecord): Promise<string | undefined> => {
      let message: QueueMessage;
      try {
        message = queueMessage(record);
      } catch (err) {
        // A record that is not an SQS message (not an object, no body): it costs itself alone.
        // Throwing here would fail the whole batch, and every good record in it would run again.
        return deadLetterMalformed(record, reasonOf(err));
      }
      const log = logger.child({ message_id: message.id });
      try {
        await processOrder(message, { ...deps, logger: log }, settings);
        return undefined;
      } catch (err) {
        const decision = onFailure(err);
        // The last delivery the queue allows (its maxReceiveCount is maxDeliveries): write the dead
        // letter here, with the order's state, rather than let SQS move the bare message.
        const last = decision.action === 'retry' && message.attempts >= settings.maxDeliveries;
        if (decision.action === 'retry' && !last) {
          log.warn('order failed, will be retried', { reason: decision.reason, attempts: message.attempts });
          return message.id;
        }
        try {
          await deadLetters.record(await ordersDeadLetter(deps.ledger, message.body, decision.reason, message.attempts, deps.clock.now()));
          log.warn('order dead-lettered', { reason: decision.reason, attempts: message.attempts });
        } catch (dlqErr) {
          // Not written anywhere yet: let SQS deliver it again rather than lose it.
          log.error('dead letter not written, will be retried', { reason: reasonOf(dlqErr) });
          return message.id;
        }
        return undefined;
      }
    };
    const deadLetterMalformed = async (record: unknown, reason: string): Promise<string | undefined> => {
      const id = messageIdOf(record);
      const log = logger.child({ message_id: id });
      try {
        await deadLetters.record(deadLetterForMessage('orders', originalTextOf(record), reason, attemptsOf(record), deps.clock.now()));
        log.warn('malformed record dead-lettered', { reason });
        return undefined;
      } catch (dlqErr) {
        log.error('dead letter not written, will be retried', { reason: reasonOf(dlqErr) });
        // Without a messageId it cannot be listed; failing the invocation (the whole batch) is
        // then the only way not to lose it.
        if (id === undefined) throw dlqErr;
        return id;
      }
    };
    /** A FIFO group in order: after the first record to retry, the rest are reported unprocessed. */
    const handleGroup = async (group: SqsRecord[]): Promise<void> => {
      for (const [i, record] of group.entries()) {
        if (await handle(record)) continue;
        const unprocessed = group.slice(i + 1);
        for (const later of unprocessed) {
          const id = messageIdOf(later);
          if (id !== undefined) retry.push(id);
          else await handle(later); // no id to report: dead-lettered as malformed instead of lost
        }
        if (unprocessed.length > 0) logger.warn('message group stopped at its first failure', { message_group_id: groupOf(record), unprocessed: unprocessed.length });
        return;
      }
    };
    const { groups, ungrouped } = byMessageGroup(Array.isArray(event?.Records) ? event.Records : []);
    // Standard-queue records are independent, so they run side by side (a conflict between two of
    // them on one product is retried inside the ledger); FIFO groups run side by side, each in order.
    await Promise.all([...ungrouped.map(handle), ...[...groups.values()].map(handleGroup)]);
    return batchResponse(retry);
  };
  return handle;
}

/** A FIFO record's `MessageGroupId` (Lambda's SQS FIFO event: attributes.MessageGroupId), if any. */
function groupOf(record: unknown): string | undefined {
  const attributes = typeof record === 'object' && record !== null ? (record as Partial<SqsRecord>).attributes : undefined;
  const id = typeof attributes === 'object' && attributes !== null ? attributes.MessageGroupId : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** FIFO records by message group, in batch order (SQS hands them over in order); the rest apart. */
function byMessageGroup(records: SqsRecord[]): { groups: Map<string, SqsRecord[]>; ungrouped: SqsRecord[] } {
  const groups = new Map<string, SqsRecord[]>();
  const ungrouped: SqsRecord[] = [];
  for (const record of records) {
    const group = groupOf(record);
    if (group === undefined) ungrouped.push(record);
    else groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  return { groups, ungrouped };
}

let ready: ReturnType<typeof createOrdersHandler> | undefined;

/** The Lambda entry point: `orders.handler`. */
export const handler = (event: SqsEvent, context?: LambdaContext) => (ready ??= createOrdersHandler(ordersWiring()))(event as unknown, context);
