/**
 * What a dead letter holds, whoever wrote it. A queue's dead letters are of two kinds:
 * - the platform's: the original message, moved after the last delivery (SQS redrive, the Azure
 *   host's poison queue, Pub/Sub's dead-letter policy): its text IS the order;
 * - ours: the shared envelope (handlers/ports/dead-letters.ts) an entry point wrote, with the
 *   original text in `message`, or in a blob named by `message_blob` when it was too large.
 * Replaying either sends the original text back to the orders queue.
 */
import type { DeadLetter } from '../../handlers/ports/dead-letters';
import { orderIdOf } from '../../handlers/orders/dead-letter';

export interface LetterContent {
  /** The original message text, when the letter holds it. */
  original?: string;
  /** Where the original is when it was too large for the dead-letter queue (`<container>/<blob>`). */
  blob?: string;
  /** Our envelope, when an entry point wrote the letter. */
  envelope?: DeadLetter;
}

export function isEnvelope(value: unknown): value is DeadLetter {
  const v = value as Partial<DeadLetter> | null;
  return typeof v === 'object' && v !== null && typeof v.function === 'string' && typeof v.reason === 'string' && typeof v.failed_at === 'string';
}

export function contentOf(text: string): LetterContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { original: text };
  }
  if (!isEnvelope(parsed)) return { original: text };
  if (typeof parsed.message === 'string') return { original: parsed.message, envelope: parsed };
  if (typeof parsed.message_blob === 'string') return { blob: parsed.message_blob, envelope: parsed };
  return { envelope: parsed };
}

/** One line of the command's report. */
export interface Moved {
  /** The dead letter's id where it came from (message id, ack id, row id). */
  id: string;
  order_id?: string;
  /** images: the object it names, `<bucket>/<key>`. */
  object?: string;
  /** Why it had been dead-lettered, when the letter says. */
  reason?: string;
  /**
   * orders: `moved`, `would move` (dry run); images: `replayed`, `would replay` (objects.ts);
   * or `skipped: <why>` / `failed: <error>` (left where it was).
   */
  action: string;
}

export function describe(id: string, content: LetterContent, action: string): Moved {
  const moved: Moved = { id, action };
  const orderId = content.original ? orderIdOf(content.original) : content.envelope?.order?.order_id;
  if (orderId) moved.order_id = orderId;
  if (content.envelope) moved.reason = content.envelope.reason;
  return moved;
}

export interface RedriveOptions {
  dryRun: boolean;
  /** At most this many letters. */
  limit: number;
}

/** A stack's outputs (`pulumi stack output --json`). */
export type Outputs = Record<string, unknown>;

export function output(outputs: Outputs, name: string): string {
  const value = outputs[name];
  if (typeof value !== 'string' || value === '') throw new Error(`the stack has no output ${name}: deploy it first`);
  return value;
}
