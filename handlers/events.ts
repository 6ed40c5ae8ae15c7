/**
 * The neutral event shapes. Every cloud's adapter translates its own event into one of these
 * before the core sees it, and maps the core's answer back. Nothing here names a cloud.
 */

/** An HTTP request as the users API sees it, whatever gateway or host delivered it. */
export interface HttpRequest {
  /** Upper-case method: GET, POST, ... */
  method: string;
  /** The request path without query string, percent-decoded once, e.g. `/users/42`. */
  path: string;
  /** Query parameters; when a name repeats, the first value wins. */
  query: Record<string, string>;
  /** Header names lower-cased; repeated headers joined with ", " (cookies with "; "). */
  headers: Record<string, string>;
  /** The raw body bytes (adapters decode base64 bodies before this point). */
  body?: Uint8Array;
  /**
   * Claims that the platform already verified (an API Gateway JWT authorizer, for one).
   * When present, the core trusts them instead of verifying a bearer token itself.
   */
  verifiedClaims?: Record<string, unknown>;
  /** The platform's request id, used as the correlation id of log lines. */
  requestId?: string;
}

/** An HTTP response from the core. A 204 or 304 carries no body. */
export interface HttpResponse {
  status: number;
  /** Header names lower-cased, one value each. */
  headers: Record<string, string>;
  /** `Set-Cookie` values, kept apart because they cannot be joined into one header. */
  cookies?: string[];
  /** The body as text (JSON or problem+json); absent when the status has none. */
  body?: string;
}

/** An object landed in a bucket (S3 ObjectCreated, Azure BlobCreated, GCS finalized). */
export interface ObjectCreated {
  bucket: string;
  /** The object key, already decoded from whatever encoding the cloud's event used. */
  key: string;
  /** Size in bytes as the event reported it, when it did. */
  size?: number;
  /** The object's etag (or generation) as the event reported it, quotes removed. */
  etag?: string;
  /** When the cloud says the object was created (ISO 8601). */
  eventTime?: string;
}

/** One message taken from a queue (SQS record, storage queue message, Pub/Sub push). */
export interface QueueMessage {
  /** The platform's message id. */
  id: string;
  /** The message body as text (adapters decode base64 where the platform encodes). */
  body: string;
  /**
   * How many times this message has been delivered, this delivery included (1 on the first).
   * Some platforms do not say (the Pub/Sub emulator omits it): then 1.
   */
  attempts: number;
  /** Message attributes, as strings. */
  attributes?: Record<string, string>;
}
