/**
 * One dead-letter envelope for every function and cloud, so that a dead letter reads the same
 * in an SQS DLQ, an Azure poison queue, a Pub/Sub dead-letter topic or the local table.
 */
export interface DeadLetter {
  function: 'images' | 'orders' | 'users';
  /** Why it failed, as the decoder, validator or store said. */
  reason: string;
  /** Deliveries made before giving up. */
  attempts: number;
  /** ISO 8601. */
  failed_at: string;
  /** The original queue message body (orders), as received. */
  message?: string;
  /**
   * Where the whole envelope, `message` included, was written instead when it would not fit the
   * dead-letter queue (an Azure queue message holds at most 64 KiB): `<container>/<blob>`.
   */
  message_blob?: string;
  /**
   * Orders: what the ledger held for the message's order id when it was dead-lettered, so that
   * whoever reads the letter knows whether replaying it matters (a PLACED order with nothing
   * pending needs no replay: the sweeper has relayed it, or will).
   */
  order?: DeadLetterOrderState;
  /** The object that could not be processed (images). */
  bucket?: string;
  object_key?: string;
  etag?: string;
}

/** Where an adapter writes a dead letter it decides on itself (a permanent failure). */
export interface DeadLetterSink {
  record(letter: DeadLetter): Promise<void>;
}

/** An order's state as a dead letter records it. */
export interface DeadLetterOrderState {
  order_id: string;
  /** The recorded status; NOT_RECORDED when the ledger has no such order; UNKNOWN when it could not be read. */
  status: 'PLACED' | 'CANCELLED_INSUFFICIENT_INVENTORY' | 'NOT_RECORDED' | 'UNKNOWN';
  /** Outbox entries still unsent (`payment-request`, `order-created`, ...). */
  pending_entries: string[];
  /** Why the state is UNKNOWN. */
  error?: string;
}
