/**
 * The ONE list of what the local runtime reads: command-line flags and environment variables.
 * Flags win over the environment, the environment over the defaults. Function settings
 * (`IMAGES_MAX_PIXELS`, `USERS_CORS_ORIGINS`, ...) follow `handlers/settings.ts` as on every cloud.
 */
import { resolve } from 'node:path';

export const localEnvironment = {
  port: 'PORT',
  dataDir: 'DATA_DIR',
  /** Seconds a received message stays hidden; default twice the function's timeout. */
  visibilitySeconds: 'QUEUE_VISIBILITY_SECONDS',
  /** First retry delay in ms, doubled after each failure. */
  retryBaseMs: 'QUEUE_RETRY_BASE_MS',
  retryMaxMs: 'QUEUE_RETRY_MAX_MS',
  /** Receives of one upload before it is dead-lettered (orders use ORDERS_MAX_DELIVERIES). */
  imagesMaxDeliveries: 'IMAGES_MAX_DELIVERIES',
  logLevel: 'LOG_LEVEL',
  /** Uploads stored at once; one more is answered 503 with Retry-After. */
  maxConcurrentUploads: 'UPLOADS_MAX_CONCURRENT',
} as const;

export const localBuckets = { originals: 'originals', compressed: 'compressed' } as const;
/** The logical queue and topic names the core uses, plus the two function queues. */
export const localQueues = { images: 'images', orders: 'orders', payments: 'payments' } as const;
export const localTopics = { events: 'events' } as const;

export interface LocalConfig {
  port: number;
  /** Always loopback: the local runtime has no authentication unless USERS_JWT_ISSUER is set. */
  host: '127.0.0.1';
  dataDir: string;
  seed: boolean;
  /** Undefined: twice each function's timeout. */
  visibilityMs?: number;
  retryBaseMs: number;
  retryMaxMs: number;
  imagesMaxDeliveries: number;
  maxConcurrentUploads: number;
  logLevel: string;
  /** Everything else, for the function settings. */
  env: Record<string, string | undefined>;
}

export const usage = `usage: npm start -- [--port N] [--data-dir DIR] [--seed]
  --port N        listen on 127.0.0.1:N (env ${localEnvironment.port}, default 3000)
  --data-dir DIR  keep the database and buckets in DIR (env ${localEnvironment.dataDir}, default .data)
  --seed          load demo stock and users`;

export class UsageError extends Error {}

export function readLocalConfig(argv: readonly string[], env: Record<string, string | undefined>): LocalConfig {
  const flags = parseFlags(argv);
  const number = (name: string, raw: string | undefined, fallback: number, min = 0): number => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const visibility = env[localEnvironment.visibilitySeconds];
  const config: LocalConfig = {
    port: number(flags.port !== undefined ? '--port' : localEnvironment.port, flags.port ?? env[localEnvironment.port], 3000),
    host: '127.0.0.1',
    dataDir: resolve(flags.dataDir ?? (env[localEnvironment.dataDir] || '.data')),
    seed: flags.seed,
    retryBaseMs: number(localEnvironment.retryBaseMs, env[localEnvironment.retryBaseMs], 1000),
    retryMaxMs: number(localEnvironment.retryMaxMs, env[localEnvironment.retryMaxMs], 60_000),
    imagesMaxDeliveries: number(localEnvironment.imagesMaxDeliveries, env[localEnvironment.imagesMaxDeliveries], 5, 1),
    maxConcurrentUploads: number(localEnvironment.maxConcurrentUploads, env[localEnvironment.maxConcurrentUploads], 4, 1),
    logLevel: env[localEnvironment.logLevel] || 'info',
    env,
  };
  if (config.port > 65535) throw new UsageError(`the port must be at most 65535, got ${config.port}`);
  if (visibility) config.visibilityMs = number(localEnvironment.visibilitySeconds, visibility, 0, 1) * 1000;
  return config;
}

function parseFlags(argv: readonly string[]): { port?: string; dataDir?: string; seed: boolean } {
  const flags: { port?: string; dataDir?: string; seed: boolean } = { seed: false };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--port') flags.port = value();
    else if (name === '--data-dir') flags.dataDir = value();
    else if (name === '--seed') flags.seed = true;
    else throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
  }
  return flags;
}
