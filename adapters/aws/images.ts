/**
 * images on Lambda: S3 ObjectCreated notifications, delivered asynchronously.
 * Every record is handled. A permanent failure (a corrupt image) becomes a dead letter and the
 * other records go on; a transient one fails the invocation once the others are done, so that
 * Lambda's asynchronous retries run (twice by default) and, after them, the on-failure
 * destination (the same queue) receives the event.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
import { deadLetterForObject, onFailure } from '../../handlers/delivery';
import { reasonOf, TransientError } from '../../handlers/errors';
import { compressImage, type ImageResult, type ImagesConfig, type ImagesDeps } from '../../handlers/images';
import type { DeadLetterSink } from '../../handlers/ports/dead-letters';
import { objectsCreated, unreadableObjectRecords, type S3Event } from './events/object-created';
import { imagesWiring } from './wiring';

export interface ImagesWiring {
  deps: ImagesDeps;
  deadLetters: DeadLetterSink;
  config: ImagesConfig;
}

export interface ImagesSummary {
  results: ImageResult[];
  deadLettered: { key: string; reason: string }[];
}

export interface LambdaContext {
  awsRequestId?: string;
}

export function createImagesHandler({ deps, deadLetters, config }: ImagesWiring) {
  return async (event: S3Event, context?: LambdaContext): Promise<ImagesSummary> => {
    const logger = deps.logger.child({ function: 'images', correlation_id: context?.awsRequestId });
    const summary: ImagesSummary = { results: [], deadLettered: [] };
    const failed: string[] = [];
    // Records that name no object: bad input, dead-lettered with the reason, never retried.
    for (const bad of unreadableObjectRecords(event)) {
      try {
        await deadLetters.record(deadLetterForObject(bad, bad.reason, 1, deps.clock.now()));
        summary.deadLettered.push({ key: bad.key, reason: bad.reason });
        logger.warn('unreadable record dead-lettered', { bucket: bad.bucket, reason: bad.reason });
      } catch (dlqErr) {
        failed.push(`unreadable record: dead letter not written: ${reasonOf(dlqErr)}`);
      }
    }
    // One at a time: decoding images is memory-bound, and the function's memory is sized for one.
    for (const object of objectsCreated(event)) {
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
    if (failed.length > 0) throw new TransientError(`${failed.length} object(s) failed: ${failed.join('; ')}`);
    return summary;
  };
}

let ready: ReturnType<typeof createImagesHandler> | undefined;

/** The Lambda entry point: `images.handler`. */
export const handler = (event: S3Event, context?: LambdaContext) => (ready ??= createImagesHandler(imagesWiring()))(event, context);
