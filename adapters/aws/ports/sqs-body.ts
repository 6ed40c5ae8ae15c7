/**
 * JSON text that every SQS implementation accepts as a message body. SQS allows only
 * #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html);
 * JSON.stringify already escapes control characters and lone surrogates, so what is left is
 * U+FFFE/U+FFFF, which SQS refuses, and characters past U+FFFF, which SQS accepts but local
 * emulators such as fauxqs 1.9.2 refuse. Writing those as \u escapes keeps the JSON value the
 * same for every consumer, at a few bytes per emoji.
 */
export function sqsSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\uFFFE\uFFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF]/g, (ch) =>
    Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
