/**
 * What each function setting may be: a value outside these can only fail later (a JPEG quality
 * of 0 fails the first encode, no delivery attempt at all dead-letters every order), so the
 * runtime refuses to start with it instead. Each rule says in words what is allowed, for the
 * message that names the variable and its value.
 */
import type { ImagesSettings, OrdersSettings, UsersSettings } from './specs';

export interface SettingRule {
  /** What is allowed, as the refusal says it: "an integer from 1 to 100". */
  allowed: string;
  holds(value: unknown): boolean;
}

function integer(min: number, max: number): SettingRule {
  return { allowed: `an integer from ${min} to ${max}`, holds: (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max };
}

const text = (allowed: string, test: (s: string) => boolean): SettingRule => ({ allowed, holds: (v) => typeof v === 'string' && test(v) });

/** An absolute https URL; http only on this machine (a local issuer in tests and development). */
function secureUrl(s: string): boolean {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
}

/** `*`, or an origin as browsers send it: scheme, host and port, no path (not even a trailing `/`). */
function corsOrigin(s: string): boolean {
  if (s === '*') return true;
  try {
    const url = new URL(s);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === s;
  } catch {
    return false;
  }
}

/** The formats the images core decodes (handlers/images/transform.ts): any other suffix would only be refused later. */
const DECODABLE_SUFFIXES = ['.jpg', '.jpeg', '.png'];

export const imagesRules: { [K in keyof ImagesSettings]: SettingRule } = {
  // read whole into the function's memory (1 GB on every cloud, see specs.ts)
  maxObjectBytes: integer(1, 512 * 1024 * 1024),
  // sharp's own ceiling, limitInputPixels' default 0x3FFF * 0x3FFF (https://sharp.pixelplumbing.com/api-constructor)
  maxPixels: integer(1, 268_402_689),
  // the largest side a JPEG can have (ITU T.81: 16-bit dimensions)
  maxDimension: integer(1, 65_535),
  // libjpeg quality as sharp takes it (https://sharp.pixelplumbing.com/api-output#jpeg)
  jpegQuality: integer(1, 100),
  // the loop guard: input keys under it are skipped, so it may not be empty
  outputPrefix: text('a non-empty key prefix of at most 512 characters, not starting with "/"', (s) => s.length > 0 && s.length <= 512 && !s.startsWith('/')),
  suffixes: {
    allowed: `a comma-separated, non-empty list of ${DECODABLE_SUFFIXES.join(', ')}`,
    holds: (v) => Array.isArray(v) && v.length > 0 && v.every((s) => DECODABLE_SUFFIXES.includes(s as string)),
  },
};

export const usersRules: { [K in keyof UsersSettings]-?: SettingRule } = {
  defaultPageSize: integer(1, 1000),
  maxPageSize: integer(1, 1000),
  // a Lambda request payload is at most 6 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
  maxBodyBytes: integer(2, 6 * 1024 * 1024),
  jwtIssuer: text('an https URL (http only for localhost)', secureUrl),
  jwtAudience: text('a non-empty audience', (s) => s.trim().length > 0),
  jwksUrl: text('an https URL (http only for localhost)', secureUrl),
  adminClaim: text('a claim name without spaces', (s) => /^\S+$/.test(s)),
  corsOrigins: {
    allowed: 'a comma-separated list of origins such as https://app.example (no path, no trailing "/"), or *',
    holds: (v) => Array.isArray(v) && v.every((s) => corsOrigin(s as string)),
  },
  // the images function refuses an original over its own maxObjectBytes: a larger upload could only be dead-lettered
  uploadMaxBytes: integer(1, 512 * 1024 * 1024),
  // S3 presigned requests, Azure delegation keys and Cloud Storage V4 URLs all end within 7 days
  // (S3 "Sharing objects with presigned URLs", Get User Delegation Key, V4 signing "X-Goog-Expires")
  uploadUrlSeconds: integer(1, 7 * 24 * 3600),
  downloadUrlSeconds: integer(1, 7 * 24 * 3600),
};

export const ordersRules: { [K in keyof OrdersSettings]: SettingRule } = {
  // 100 actions per transaction (DynamoDB, an Azure entity-group transaction), 4 per product
  maxDistinctProducts: integer(1, 25),
  // SQS takes a maxReceiveCount of 1-1000 (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html)
  maxDeliveries: integer(1, 1000),
  // at least a relay's claim lease (handlers/orders/relay.ts, 60 s): sooner would take entries a live relay holds
  sweepGraceSeconds: integer(60, 7 * 24 * 3600),
  // one run must fit the orders function's timeout; the rest wait for the next run
  sweepMaxOrders: integer(1, 10_000),
};
