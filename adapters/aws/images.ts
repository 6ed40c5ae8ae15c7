/**
 * images on Lambda: S3 ObjectCreated notifications delivered asynchronously, or the same objects
 * announced by EventBridge ("Object Created") or buffered in SQS (events/images-event.ts); any
 * other event is logged with the reason it was left alone. Every record is handled. A permanent failure (a corrupt image) becomes a dead letter and the
 * other records go on; a transient one fails the invocation once the others are done, so that
 * Lambda's asynchronous retries run (twice by default) and, after them, the on-failure
 * destination (the same queue) receives the event.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
import { deadLetterForMessage, deadLetterForObject, onFailure } from '../../handlers/delivery';
import { reasonOf, TransientError } from '../../handlers/errors';
import { compressImage, type ImageResult, type ImagesConfig, type ImagesDeps } from '../../handlers/images';
import type { DeadLetterSink } from '../../handlers/ports/dead-letters';
import { readImagesEvent } from './events/images-event';
import type { S3Event } from './events/object-created';
import { imagesWiring } from './wiring';

export interface ImagesWiring {
  deps: ImagesDeps;
  deadLetters: DeadLetterSink;
  config: ImagesConfig;
}

export interface ImagesSummary {
  results: ImageResult[];
  deadLettered: { key: string; reason: string }[];
  /** Why (parts of) the event were left alone: not an object-created event. */
  ignored: string[];
}

/** What invokes the images function: an S3 notification, an EventBridge event, an SQS batch, or anything. */
export type ImagesEvent = S3Event | Record<string, unknown>;

export interface LambdaContext {
  awsRequestId?: string;
}

export function createImagesHandler({ deps, deadLetters, config }: ImagesWiring) {
  return async (event: ImagesEvent, context?: LambdaContext): Promise<ImagesSummary> => {
    const logger = deps.logger.child({ function: 'images', correlation_id: context?.awsRequestId });
    const contents = readImagesEvent(event);
    const summary: ImagesSummary = { results: [], deadLettered: [], ignored: contents.ignored };
    const failed: string[] = [];
    // Not for this function (a schedule, a removal, S3's test event): one line says why, nothing vanishes silently.
    for (const reason of contents.ignored) logger.warn('event ignored', { reason });
    // Messages that are no S3 event at all: kept whole in the dead-letter queue.
    for (const bad of contents.unreadableMessages) {
      try {
        await deadLetters.record(deadLetterForMessage('images', bad.body, bad.reason, 1, deps.clock.now()));
        summary.deadLettered.push({ key: '', reason: bad.reason });
        logger.warn('unreadable message dead-lettered', { reason: bad.reason });
      } catch (dlqErr) {
        failed.push(`unreadable message: dead letter not written: ${reasonOf(dlqErr)}`);
      }
    }
    // Records that name no object: bad input, dead-lettered with the reason, never retried.
    for (const bad of contents.unreadableObjects) {
      try {
        await deadLetters.record(deadLetterForObject(bad, bad.reason, 1, deps.clock.now()));
        summary.deadLettered.push({ key: bad.key, reason: bad.reason });
        logger.warn('unreadable record dead-lettered', { bucket: bad.bucket, reason: bad.reason });
      } catch (dlqErr) {
        failed.push(`unreadable record: dead letter not written: ${reasonOf(dlqErr)}`);
      }
    }
    // One at a time: decoding images is memory-bound, and the function's memory is sized for one.
    for (const object of contents.objects) {
      try {
        summary.results.push(await compressImage(object, { ...deps, logger }, config));
      } catch (err) {
        const decision = onFailure(err);
        if (decision.action === 'dead-letter') {
          try {
            // Lambda does not tell an asynchronous invocation which attempt it is: this is the first
            // we act on, as a permanent failure is dead-lettered at once.
            await deadLetters.record(deadLetterForObject(object, decision.reason, 1, deps.clock.now()));
            summary.deadLettered.push({ key: object.key, reason: decision.reason });
            logger.warn('image dead-lettered', { bucket: object.bucket, key: object.key, reason: decision.reason });
          } catch (dlqErr) {
            // Written nowhere yet: fail the invocation so that Lambda tries the event again.
            failed.push(`${object.key}: dead letter not written: ${reasonOf(dlqErr)}`);
          }
        } else {
          failed.push(`${object.key}: ${decision.reason}`);
          logger.error('image failed, will be retried', { bucket: object.bucket, key: object.key, reason: decision.reason });
        }
      }
    }
    // Records already done are done again on the retry: the output is a pure function of the input.
    // From SQS, a thrown error makes the whole batch visible again after the visibility timeout:
    // safe whether or not the user's mapping reports batch item failures.
    if (failed.length > 0) throw new TransientError(`${failed.length} object(s) failed: ${failed.join('; ')}`);
    return summary;
  };
}

let ready: ReturnType<typeof createImagesHandler> | undefined;

/** The Lambda entry point: `images.handler`. */
export const handler = (event: ImagesEvent, context?: LambdaContext) => (ready ??= createImagesHandler(imagesWiring()))(event, context);
