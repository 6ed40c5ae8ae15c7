/**
 * The scheduled event that asks the orders Lambda for an outbox sweep. EventBridge Scheduler
 * invokes the function with the schedule target's `Input` as the event, verbatim
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html); the
 * stack sets it to SWEEP_REQUEST (infra/aws/outbox-sweeper.ts). Any other event is not a sweep:
 * the handler treats it as an SQS batch (and a batch without Records does nothing). Pure.
 */
import { isSweepRequest } from '../../../handlers/orders/sweeper';

export function isScheduledSweep(event: unknown): boolean {
  return isSweepRequest(event);
}
