/**
 * orders on Lambda: SQS batches through an event source mapping with ReportBatchItemFailures.
 * Each record stands alone: a transient failure is listed in `batchItemFailures` (only it is
 * delivered again; after maxReceiveCount the queue's redrive policy moves it to the DLQ), a
 * permanent one is written to the DLQ at once with its reason and not retried.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * The same function is the target of the outbox sweeper's schedule (infra/aws/outbox-sweeper.ts):
 * an event that is SWEEP_REQUEST relays what is pending (handlers/orders/sweeper.ts); a sweep
 * that fails throws, and the next scheduled run tries again.
 */
import { deadLetterForMessage, onFailure } from '../../handlers/delivery';
import { reasonOf } from '../../handlers/errors';
import { processOrder, type OrderResult, type OrdersDeps } from '../../handlers/orders';
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
    const handle = async (record: SqsRecord): Promise<OrderResult | undefined> => {
      let message: QueueMessage;
      try {
        message = queueMessage(record);
      } catch (err) {
        // A record that is not an SQS message (not an object, no body): it costs itself alone.
        // Throwing here would fail the whole batch, and every good record in it would run again.
        await deadLetterMalformed(record, reasonOf(err));
        return undefined;
      }
      const log = logger.child({ message_id: message.id });
      try {
        return await processOrder(message, { ...deps, logger: log }, settings);
      } catch (err) {
        const decision = onFailure(err);
        // The last delivery the queue allows (its maxReceiveCount is maxDeliveries): write the dead
        // letter here, with the order's state, rather than let SQS move the bare message.
        const last = decision.action === 'retry' && message.attempts >= settings.maxDeliveries;
        if (decision.action === 'retry' && !last) {
          log.warn('order failed, will be retried', { reason: decision.reason, attempts: message.attempts });
          retry.push(message.id);
          return undefined;
        }
        try {
          await deadLetters.record(await ordersDeadLetter(deps.ledger, message.body, decision.reason, message.attempts, deps.clock.now()));
          log.warn('order dead-lettered', { reason: decision.reason, attempts: message.attempts });
        } catch (dlqErr) {
          // Not written anywhere yet: let SQS deliver it again rather than lose it.
          log.error('dead letter not written, will be retried', { reason: reasonOf(dlqErr) });
          retry.push(message.id);
        }
        return undefined;
      }
    };
    const deadLetterMalformed = async (record: unknown, reason: string): Promise<void> => {
      const id = messageIdOf(record);
      const log = logger.child({ message_id: id });
      try {
        await deadLetters.record(deadLetterForMessage('orders', originalTextOf(record), reason, attemptsOf(record), deps.clock.now()));
        log.warn('malformed record dead-lettered', { reason });
      } catch (dlqErr) {
        log.error('dead letter not written, will be retried', { reason: reasonOf(dlqErr) });
        // Without a messageId it cannot be listed; failing the invocation (the whole batch) is
        // then the only way not to lose it.
        if (id === undefined) throw dlqErr;
        retry.push(id);
      }
    };
    // Records are independent, so they run side by side; a conflict between two of them on one
    // product is retried inside the ledger.
    await Promise.all((Array.isArray(event?.Records) ? event.Records : []).map(handle));
    return batchResponse(retry);
  };
  return handle;
}

let ready: ReturnType<typeof createOrdersHandler> | undefined;

/** The Lambda entry point: `orders.handler`. */
export const handler = (event: SqsEvent, context?: LambdaContext) => (ready ??= createOrdersHandler(ordersWiring()))(event as unknown, context);
