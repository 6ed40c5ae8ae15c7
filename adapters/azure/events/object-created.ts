/**
 * Event Grid `Microsoft.Storage.BlobCreated` (Event Grid schema or CloudEvents 1.0 schema) ->
 * the neutral ObjectCreated, or a reason to skip it. Pure: no I/O.
 *
 * Container and blob name come from `subject` (`/blobServices/default/containers/<c>/blobs/<name>`),
 * which carries the name as it is, not percent-encoded: taken verbatim, never decoded, so a blob
 * literally named `a%41.jpg` stays so. `data.url` is NOT used while there is a subject: the name in
 * it is not reliably encoded (an unencoded `#` or `?` would cut the name short when parsed as a
 * URL, and decoding a literal `%41` would give `A`). The url is the fallback only for an event
 * without a subject; then its path is decoded once, and its style is told by its host
 * (`<account>.blob.core.windows.net/<container>/<name>`, or Azurite's path style
 * `127.0.0.1:10000/<account>/<container>/<name>`), not by searching for the container's name.
 * Data Lake (hierarchical namespace) accounts send `CreateFile` when an empty file is created
 * and `FlushWithClose` when its content is committed: only the latter carries the image.
 * https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage
 */
import { isIP } from 'node:net';
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

/**
 * Container and name from `data.url`, for an event without a subject. Path style (the host is an
 * IP address or `localhost`, as Azurite serves by default) puts the account first:
 * `/<account>/<container>/<name>`; otherwise the account is in the host: `/<container>/<name>`.
 * Positions, not a search for `/<container>/`, which an account or a blob name may also contain.
 */
function fromUrl(url: string): { container: string; name: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const pathStyle = isIP(host) !== 0 || host === 'localhost';
  const segments = parsed.pathname.split('/').slice(pathStyle ? 2 : 1);
  if (segments.length < 2 || !segments[0]) return undefined;
  try {
    return { container: decodeURIComponent(segments[0]), name: decodeURIComponent(segments.slice(1).join('/')) };
  } catch {
    return undefined;
  }
}

export function fromBlobCreated(event: BlobCreatedEvent | null | undefined, originalsContainer: string): Translated {
  // The trigger hands over whatever was delivered: only an object can be an event.
  if (typeof event !== 'object' || event === null) return { kind: 'skip', reason: `not an Event Grid event: ${event === null ? 'null' : typeof event}` };
  const type = event.eventType ?? event.type;
  if (type !== BLOB_CREATED) return { kind: 'skip', reason: `event type ${type} is not ${BLOB_CREATED}` };
  const data: NonNullable<BlobCreatedEvent['data']> = typeof event.data === 'object' && event.data !== null ? event.data : {};
  let blob: { container: string; name: string } | undefined;
  if (typeof event.subject === 'string' && event.subject !== '') {
    const match = SUBJECT.exec(event.subject);
    if (match) blob = { container: match[1], name: match[2] };
  } else if (typeof data.url === 'string' && data.url) {
    blob = fromUrl(data.url);
  }
  if (!blob || !blob.name) return { kind: 'skip', reason: `subject ${JSON.stringify(event.subject)} names no blob` };
  const { container, name: key } = blob;
  if (container !== originalsContainer) return { kind: 'skip', reason: `container ${container} is not the originals container` };
  if (data.api === 'CreateFile') return { kind: 'skip', reason: 'Data Lake CreateFile: the content arrives with FlushWithClose' };
  if (key.endsWith('/')) return { kind: 'skip', reason: `${key} is a directory` };
  const object: ObjectCreated = { bucket: container, key };
  // Optional fields are taken only with the type the schema gives them: a wrong one is left out,
  // not allowed to crash the translation of an otherwise usable event.
  if (typeof data.contentLength === 'number') object.size = data.contentLength;
  if (typeof data.eTag === 'string' && data.eTag) object.etag = data.eTag.replace(/^"|"$/g, '');
  const time = event.eventTime ?? event.time;
  if (typeof time === 'string' && time) object.eventTime = time;
  return { kind: 'object', object };
}
