/**
 * The images function's local entry point: a delivery from the `images` queue (fed by every
 * upload to the originals bucket, as S3, Event Grid or Eventarc would) is compressed by the core.
 */
import { deadLetterForObject } from '../../handlers/delivery';
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import { compressImage, type ImageResult } from '../../handlers/images';
import { localBuckets } from './environment';
import { toObjectCreated } from './events/object-created';
import type { ReceivedMessage } from './queue';
import type { LocalPorts } from './wiring';

export function imagesEntry(ports: LocalPorts) {
  const config = { ...ports.settings.images, compressedBucket: localBuckets.compressed };
  return {
    handle(message: ReceivedMessage): Promise<ImageResult> {
      const event = toObjectCreated(message.body);
      const logger = ports.logger.child({ function: 'images', correlation_id: message.id });
      return compressImage(event, { blobs: ports.blobs, clock: ports.clock, logger }, config);
    },
    envelope(message: ReceivedMessage, reason: string, at: Date): DeadLetter {
      let object: { bucket: string; key: string; etag?: string };
      try {
        object = toObjectCreated(message.body);
      } catch {
        object = { bucket: localBuckets.originals, key: message.body };
      }
      return deadLetterForObject(object, reason, message.receiveCount, at);
    },
  };
}
