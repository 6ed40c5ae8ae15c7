/**
 * Azure images: the images dead-letter container holds two kinds of blob:
 * - Event Grid's dead letters: `<SUBSCRIPTION NAME IN UPPER CASE>/<y>/<m>/<d>/<h>/<guid>.json`, each a
 *   JSON array of one or more undelivered events, each with `deadLetterReason`, `deliveryAttempts`,
 *   `lastDeliveryOutcome` added (https://learn.microsoft.com/azure/event-grid/manage-event-delivery,
 *   https://learn.microsoft.com/azure/event-grid/delivery-and-retry#dead-letter-events);
 * - ours (adapters/azure/ports/dead-letters.ts): `images/<failed_at>/<key>.json`, one envelope with
 *   `bucket` (the container) and `object_key`.
 * An event is read by the images function's own translation (adapters/azure/events/object-created.ts),
 * so a replay names exactly the blob the function would have processed.
 *
 * The replay writes the blob again onto itself: downloaded and uploaded whole (Put Blob) with its
 * content type, caching headers and metadata (the owner the signed upload set), both conditional on
 * the ETag just read (`If-Match`), so a newer upload in between is never overwritten (412). Put Blob
 * raises `Microsoft.Storage.BlobCreated` (api PutBlob), which the images subscription delivers
 * (infra/azure/buckets.ts filters on the event type and the subject only). Not a server-side Copy
 * Blob onto itself: it is asynchronous (the copy may still be pending when the call returns, and
 * its ETag condition holds for the start only), and its page documents no copy onto the same blob
 * (https://learn.microsoft.com/rest/api/storageservices/copy-blob); the download is one original,
 * at most IMAGES_MAX_OBJECT_BYTES for an image worth replaying.
 * https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage (BlobCreated: "when clients
 * use the PutBlob, PutBlockList, or CopyBlob operations")
 */
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { fromBlobCreated, type BlobCreatedEvent } from '../../adapters/azure/events/object-created';
import { statusOf } from '../../adapters/azure/table-keys';
import type { Moved, RedriveOptions } from './letters';
import { isObject, readLetter, replayLetter, type Announce, type Json, type LetterObjects, type NamedObject } from './objects';

export interface AzureImagesTarget {
  deadLetterContainer: string;
  originalsContainer: string;
}

/** The blobs a dead-letter blob names, and why they were dead-lettered. */
export function objectsOfAzureLetter(text: string): LetterObjects {
  const letter = readLetter(text);
  if ('named' in letter) return letter.named;
  const parsed = letter.parsed;
  const events = (Array.isArray(parsed) ? parsed : [parsed]).filter(isObject);
  const objects: NamedObject[] = [];
  const reasons = new Set<string>();
  for (const event of events) {
    // The translation skips another container's event: name its container anyway, so that the
    // report says which bucket was refused instead of "names no object".
    const translated = fromBlobCreated(event as BlobCreatedEvent, containerOf(event) ?? '');
    if (translated.kind === 'object') objects.push({ bucket: translated.object.bucket, key: translated.object.key });
    const why = [event.deadLetterReason, event.lastDeliveryOutcome].filter((v) => typeof v === 'string' && v).join(': ');
    if (why) reasons.add(`${why} after ${String(event.deliveryAttempts ?? '?')} deliveries`);
  }
  return { objects, ...(reasons.size ? { reason: [...reasons].join('; ') } : {}) };
}

function containerOf(event: Json): string | undefined {
  return typeof event.subject === 'string' ? /^\/blobServices\/default\/containers\/([^/]+)\/blobs\//.exec(event.subject)?.[1] : undefined;
}

export function blobAnnounce(container: ContainerClient): Announce {
  return async (key) => {
    const blob = container.getBlockBlobClient(key);
    let properties;
    try {
      properties = await blob.getProperties();
    } catch (err) {
      if (statusOf(err) === 404) return 'gone';
      throw err;
    }
    const ifMatch = { conditions: { ifMatch: properties.etag } };
    try {
      const bytes = await blob.downloadToBuffer(0, undefined, ifMatch);
      await blob.uploadData(bytes, {
        ...ifMatch,
        metadata: properties.metadata,
        tier: properties.accessTierInferred ? undefined : properties.accessTier,
        blobHTTPHeaders: {
          blobContentType: properties.contentType,
          blobCacheControl: properties.cacheControl,
          blobContentDisposition: properties.contentDisposition,
          blobContentEncoding: properties.contentEncoding,
          blobContentLanguage: properties.contentLanguage,
          blobContentMD5: properties.contentMD5,
        },
      });
      return 'announced';
    } catch (err) {
      if (statusOf(err) === 412) return 'replaced';
      if (statusOf(err) === 404) return 'gone';
      throw err;
    }
  };
}

export async function redriveAzureImages(blobs: BlobServiceClient, target: AzureImagesTarget, options: RedriveOptions): Promise<Moved[]> {
  const report: Moved[] = [];
  const letters = blobs.getContainerClient(target.deadLetterContainer);
  const announce = blobAnnounce(blobs.getContainerClient(target.originalsContainer));
  let count = 0;
  for await (const item of letters.listBlobsFlat()) {
    if (count++ >= options.limit) break;
    const letter = letters.getBlobClient(item.name);
    let text: string;
    try {
      text = (await letter.downloadToBuffer()).toString('utf8');
    } catch (err) {
      if (statusOf(err) === 404) continue; // removed by another run since the listing
      throw err;
    }
    const { objects, reason } = objectsOfAzureLetter(text);
    const replay = await replayLetter(item.name, objects, target.originalsContainer, announce, options, reason);
    if (replay.done) await letter.deleteIfExists({ conditions: { ifMatch: item.properties.etag } });
    report.push(...replay.lines);
  }
  return report;
}
