/**
 * The images entry point: a CloudEvent function (target `images`) for the Eventarc trigger on
 * `google.cloud.storage.object.v1.finalized`. Eventarc retries a failed delivery, so only a
 * transient failure may fail the invocation; a permanent one (a corrupt image, an unusable
 * event) is published to the images dead-letter topic and acknowledged.
 */
import * as functions from '@google-cloud/functions-framework';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { deadLetterForObject, onFailure } from '../../handlers/delivery';
import type { ObjectCreated } from '../../handlers/events';
import { compressImage } from '../../handlers/images';
import { objectCreatedFromCloudEvent, objectOfUnusableEvent } from './events/object-created';
import { imagesRuntime, type ImagesRuntime } from './wiring';

export type ImagesFunction = (event: CloudEvent<unknown>) => Promise<void>;

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
      if (failure.action === 'retry') {
        logger.error('image failed; Eventarc will retry', { reason: failure.reason });
        throw err;
      }
      // Eventarc does not tell the function how many times it delivered the event: 1 is all we know.
      const letter = deadLetterForObject(object ?? objectOfUnusableEvent(event), failure.reason, 1, deps.clock.now());
      await deadLetters.record(letter);
      logger.warn('image dead-lettered', { reason: failure.reason, bucket: letter.bucket, object_key: letter.object_key });
    }
  };
}

functions.cloudEvent('images', createImagesFunction(imagesRuntime));
