/**
 * Event Grid `Microsoft.Storage.BlobCreated` (Event Grid schema or CloudEvents 1.0 schema) ->
 * the neutral ObjectCreated, or a reason to skip it. Pure: no I/O.
 *
 * The container comes from `subject` (`/blobServices/default/containers/<c>/blobs/<name>`).
 * The blob name comes from `data.url`, whose path is percent-encoded, and is decoded exactly once
 * (a blob literally named `100%25.jpg` stays so); `subject` is the fallback when there is no url.
 * Data Lake (hierarchical namespace) accounts send `CreateFile` when an empty file is created
 * and `FlushWithClose` when its content is committed: only the latter carries the image.
 * https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage
 */
import type { ObjectCreated } from '../../../handlers/events';

export const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';

/** The fields read from either schema. */
export interface BlobCreatedEvent {
  id?: string;
  subject?: string;
  /** Event Grid schema */
  eventType?: string;
  eventTime?: string;
  /** CloudEvents schema */
  type?: string;
  time?: string;
  data?: {
    api?: string;
    url?: string;
    eTag?: string;
    contentLength?: number;
    contentType?: string;
  };
}

export type Translated = { kind: 'object'; object: ObjectCreated } | { kind: 'skip'; reason: string };

const SUBJECT = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/;

/** `data.url` path: `/<container>/<name>` (account host) or `/<account>/<container>/<name>` (Azurite). */
function nameFromUrl(url: string, container: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const marker = `/${container}/`;
  const at = path.indexOf(marker);
  if (at < 0) return undefined;
  try {
    return decodeURIComponent(path.slice(at + marker.length));
  } catch {
    return undefined;
  }
}

export function fromBlobCreated(event: BlobCreatedEvent, originalsContainer: string): Translated {
  const type = event.eventType ?? event.type;
  if (type !== BLOB_CREATED) return { kind: 'skip', reason: `event type ${type} is not ${BLOB_CREATED}` };
  const match = SUBJECT.exec(event.subject ?? '');
  if (!match) return { kind: 'skip', reason: `subject ${JSON.stringify(event.subject)} names no blob` };
  const container = match[1];
  if (container !== originalsContainer) return { kind: 'skip', reason: `container ${container} is not the originals container` };
  const data = event.data ?? {};
  if (data.api === 'CreateFile') return { kind: 'skip', reason: 'Data Lake CreateFile: the content arrives with FlushWithClose' };
  const key = (data.url && nameFromUrl(data.url, container)) ?? match[2];
  if (key.endsWith('/')) return { kind: 'skip', reason: `${key} is a directory` };
  const object: ObjectCreated = { bucket: container, key };
  if (typeof data.contentLength === 'number') object.size = data.contentLength;
  if (data.eTag) object.etag = data.eTag.replace(/^"|"$/g, '');
  const time = event.eventTime ?? event.time;
  if (time) object.eventTime = time;
  return { kind: 'object', object };
}
