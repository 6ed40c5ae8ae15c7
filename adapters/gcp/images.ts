/**
 * The images entry point: a CloudEvent function (target `images`) for the Eventarc trigger on
 * `google.cloud.storage.object.v1.finalized`. Eventarc retries a failed delivery, so only a
 * transient failure may fail the invocation; a permanent one (a corrupt image, an unusable
 * event) is published to the images dead-letter topic and acknowledged.
 *
 * Eventarc's trigger has no dead-letter topic: an event still failing when its retry window
 * closes (24 hours for a function's trigger with RETRY_POLICY_RETRY, "Enable event-driven function
 * retries", https://cloud.google.com/functions/docs/bestpractices/retries; its API reference once
 * said 7 days) is dropped without a trace. So a transient failure of an event older than
 * GIVE_UP_AFTER_MS is dead-lettered too, with its reason, where `npm run redrive` finds it: by
 * then, with Eventarc's backoff of at most 10 minutes, it has been tried well over a hundred times.
 */
import * as functions from '@google-cloud/functions-framework';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { deadLetterForObject, onFailure } from '../../handlers/delivery';
import type { ObjectCreated } from '../../handlers/events';
import { compressImage } from '../../handlers/images';
import { objectCreatedFromCloudEvent, objectOfUnusableEvent } from './events/object-created';
import { imagesRuntime, type ImagesRuntime } from './wiring';

export type ImagesFunction = (event: CloudEvent<unknown>) => Promise<void>;

/** An hour inside the shorter of the documented retry windows. */
export const GIVE_UP_AFTER_MS = 23 * 60 * 60 * 1000;

/** How long ago the event happened (its CloudEvent `time`); undefined when it does not say. */
function ageMs(event: CloudEvent<unknown>, now: Date): number | undefined {
  const at = event.time ? Date.parse(event.time) : NaN;
  return Number.isNaN(at) ? undefined : now.getTime() - at;
}

export function createImagesFunction(runtime: () => ImagesRuntime): ImagesFunction {
  return async (event) => {
    const { deps, config, deadLetters } = runtime();
    const logger = deps.logger.child({ correlation_id: event.id });
    let object: ObjectCreated | undefined;
    try {
      object = objectCreatedFromCloudEvent(event);
      // the core writes the one log line of a finished invocation
      await compressImage(object, { ...deps, logger }, config);
    } catch (err) {
      const failure = onFailure(err);
      let reason = failure.reason;
      if (failure.action === 'retry') {
        const age = ageMs(event, deps.clock.now());
        if (age === undefined || age < GIVE_UP_AFTER_MS) {
          logger.error('image failed; Eventarc will retry', { reason });
          throw err;
        }
        reason = `${reason} (still failing ${(age / 3_600_000).toFixed(1)} h after the upload; Eventarc would drop the event at the end of its retry window)`;
      }
      // Eventarc does not tell the function how many times it delivered the event: 1 is all we know.
      const letter = deadLetterForObject(object ?? objectOfUnusableEvent(event), reason, 1, deps.clock.now());
      await deadLetters.record(letter);
      logger.warn('image dead-lettered', { reason, bucket: letter.bucket, object_key: letter.object_key });
    }
  };
}

functions.cloudEvent('images', createImagesFunction(imagesRuntime));
