/**
 * images on Azure Functions: an Event Grid trigger for BlobCreated on the originals container
 * (registered by ./triggers.ts, which loads this module on the first event).
 * An Event Grid subscription targets it as an Azure Function endpoint; a blob trigger with
 * `source: 'EventGrid'` would need a webhook URL with a system key and hands over the blob, not
 * the event. Both the Event Grid and the CloudEvents schema are accepted.
 * A permanent failure (a corrupt image) is dead-lettered to the dead-letter container and the
 * invocation completes; any other failure throws, so Event Grid retries and finally writes the
 * event to the subscription's dead-letter container.
 */
import type { InvocationContext } from '@azure/functions';
import { onFailure, deadLetterForObject } from '../../handlers/delivery';
import type { ImageResult } from '../../handlers/images';
import { systemClock } from '../../handlers/ports/clock';
import type { Logger } from '../../handlers/ports/logger';
import { readSettings } from '../../handlers/settings';
import { imagesSpec } from '../../handlers/specs';
import { fromBlobCreated, type BlobCreatedEvent } from './events/object-created';
import { currentSettings, imagesPorts, logger } from './wiring';

/** What one invocation did: the core's result, an event not meant for it, or a dead letter. */
export type ImagesOutcome =
  | ImageResult
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'dead-lettered'; bucket: string; key: string; reason: string };

/**
 * The images core, required on first use: it loads sharp (about 45 ms, a native addon), and the
 * app's one package would otherwise load it on every cold start, the users and orders functions'
 * included (./sdk.ts says the same of the SDKs).
 */
function imagesCore(): typeof import('../../handlers/images') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../handlers/images') as typeof import('../../handlers/images');
}

export async function imagesHandler(event: unknown, context: InvocationContext): Promise<ImagesOutcome> {
  const ports = imagesPorts();
  const log: Logger = logger().child({ function: 'images', invocation_id: context.invocationId });
  const translated = fromBlobCreated(event as BlobCreatedEvent, ports.originalsContainer);
  if (translated.kind === 'skip') {
    log.info('skipped', { reason: translated.reason });
    return { outcome: 'ignored', reason: translated.reason };
  }
  const object = translated.object;
  const config = { ...readSettings(imagesSpec, currentSettings()), compressedBucket: ports.compressedContainer };
  try {
    const result = await imagesCore().compressImage(object, { blobs: ports.blobs, clock: systemClock, logger: log }, config);
    return result;
  } catch (err) {
    const failure = onFailure(err);
    if (failure.action === 'retry') {
      log.error('failed; Event Grid retries', { reason: failure.reason, key: object.key });
      throw err;
    }
    // Event Grid does not tell the function its delivery count: this is the first we decided on.
    await ports.deadLetters.record(deadLetterForObject(object, failure.reason, 1, systemClock.now()));
    log.warn('dead-lettered', { reason: failure.reason, key: object.key });
    return { outcome: 'dead-lettered', bucket: object.bucket, key: object.key, reason: failure.reason };
  }
}
