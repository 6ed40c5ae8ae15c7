/**
 * A Pub/Sub delivery -> QueueMessage. Pure: no I/O. Three forms reach the orders function:
 * - a push request from a subscription we own: `{message: {data, attributes, messageId},
 *   subscription, deliveryAttempt?}` (https://cloud.google.com/pubsub/docs/push#receive_push);
 *   `deliveryAttempt` is present only with a dead-letter policy, and the emulator never sends it;
 * - the `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent an Eventarc trigger sends, in
 *   binary mode (`ce-*` headers, the same envelope as body) or structured mode (the envelope under
 *   `data`).
 * `message.data` is base64 in every form.
 */
import { PermanentError } from '../../../handlers/errors';
import type { QueueMessage } from '../../../handlers/events';

export const MESSAGE_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';

export interface PushRequest {
  /** Header names lower-cased (as Node gives them). */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (the framework parses application/json and cloudevents+json). */
  body: unknown;
}

interface PushEnvelope {
  message?: { data?: unknown; attributes?: unknown; messageId?: unknown; message_id?: unknown };
  deliveryAttempt?: unknown;
}

/** Throws PermanentError when the request is none of the three forms. */
export function queueMessageFromPush(request: PushRequest): QueueMessage {
  const envelope = envelopeOf(request);
  const message = envelope.message;
  if (typeof message !== 'object' || message === null) throw new PermanentError('Pub/Sub delivery without a message');
  const id = message.messageId ?? message.message_id;
  if (typeof id !== 'string' || !id) throw new PermanentError('Pub/Sub message without a messageId');
  const data = message.data ?? '';
  if (typeof data !== 'string') throw new PermanentError('Pub/Sub message data is not a base64 string');
  const result: QueueMessage = {
    id,
    body: Buffer.from(data, 'base64').toString('utf8'),
    attempts: attemptsOf(envelope.deliveryAttempt),
  };
  const attributes = stringAttributes(message.attributes);
  if (attributes) result.attributes = attributes;
  return result;
}

function envelopeOf({ headers, body }: PushRequest): PushEnvelope {
  const parsed = typeof body === 'string' || Buffer.isBuffer(body) ? parseJson(body.toString()) : body;
  if (typeof parsed !== 'object' || parsed === null) throw new PermanentError('Pub/Sub delivery body is not a JSON object');
  const ceType = headers['ce-type'];
  if (ceType !== undefined && ceType !== MESSAGE_PUBLISHED) {
    throw new PermanentError(`unexpected event type ${JSON.stringify(ceType)}, expected ${MESSAGE_PUBLISHED}`);
  }
  const structured = parsed as { specversion?: unknown; type?: unknown; data?: unknown };
  if (structured.specversion !== undefined) {
    if (structured.type !== MESSAGE_PUBLISHED) {
      throw new PermanentError(`unexpected event type ${JSON.stringify(structured.type)}, expected ${MESSAGE_PUBLISHED}`);
    }
    const data = typeof structured.data === 'string' ? parseJson(structured.data) : structured.data;
    if (typeof data !== 'object' || data === null) throw new PermanentError('messagePublished event without data');
    return data as PushEnvelope;
  }
  return parsed as PushEnvelope;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PermanentError('Pub/Sub delivery body is not JSON');
  }
}

/** Deliveries so far, this one included; 1 where Pub/Sub does not say (no dead-letter policy, the emulator). */
function attemptsOf(value: unknown): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
}

function stringAttributes(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}
