/**
 * The function specs: declared once, read by `infra/` (memory, timeout, trigger, which
 * resources to wire) and by the adapters (settings and their defaults).
 */

export type FunctionName = 'images' | 'users' | 'orders';

/** What fires the function; each cloud maps it to its own trigger. */
export type TriggerKind = 'object-created' | 'http' | 'queue';

/** The ports a function needs; `infra/` grants each function access to exactly these. */
export type PortName = 'blobs' | 'users' | 'ledger' | 'bus' | 'deadLetters';

export interface FunctionSpec<S = Record<string, unknown>> {
  name: FunctionName;
  description: string;
  trigger: TriggerKind;
  memoryMb: number;
  timeoutSeconds: number;
  ports: readonly PortName[];
  /** Settings with their defaults; an adapter overrides them from its configuration. */
  settings: S;
}

export interface ImagesSettings {
  /** Objects larger than this are refused before download. */
  maxObjectBytes: number;
  /** Images with more pixels are refused before their pixels are decoded. */
  maxPixels: number;
  /** The output fits inside maxDimension x maxDimension, never enlarged. */
  maxDimension: number;
  jpegQuality: number;
  /** Output keys are `<outputPrefix><key>`; input keys under it are skipped (a loop guard). */
  outputPrefix: string;
  /** Lower-case suffixes that are processed; anything else is skipped. */
  suffixes: readonly string[];
}

export interface UsersSettings {
  defaultPageSize: number;
  maxPageSize: number;
  maxBodyBytes: number;
  /** With an issuer, bearer tokens are verified; without one, every caller is allowed (local use). */
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Defaults to `<issuer>/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** The claim that marks an administrator; its value must be `true` (or the string "true"). */
  adminClaim: string;
  /** Origins allowed by CORS; `*` only when it is listed explicitly. Empty: no CORS headers. */
  corsOrigins: readonly string[];
  /** The largest original a signed upload may carry: the images function refuses anything larger. */
  uploadMaxBytes: number;
  /** How long a signed upload stays valid: a few minutes, enough to start sending the file. */
  uploadUrlSeconds: number;
  /** How long a signed download URL of a compressed copy stays valid. */
  downloadUrlSeconds: number;
}

export interface OrdersSettings {
  /** The one-transaction cap: DynamoDB 100 actions, an Azure entity-group transaction 100 entities. */
  maxDistinctProducts: number;
  /** Deliveries before a platform dead-letters a message that keeps failing transiently. */
  maxDeliveries: number;
  /**
   * The outbox sweeper relays entries pending for longer than this (handlers/orders/sweeper.ts);
   * never less than a relay's lease (60 s).
   */
  sweepGraceSeconds: number;
  /** Orders one sweep relays at most; the rest wait for the next run (a run must fit the function's timeout). */
  sweepMaxOrders: number;
}

export const imagesSpec: FunctionSpec<ImagesSettings> = {
  name: 'images',
  description: 'Compresses each image uploaded to the originals bucket into the compressed bucket',
  trigger: 'object-created',
  // More memory buys more CPU on Lambda and Cloud Functions; 1 GB decodes 24 MP comfortably.
  memoryMb: 1024,
  timeoutSeconds: 60,
  ports: ['blobs', 'deadLetters'],
  settings: {
    maxObjectBytes: 50 * 1024 * 1024,
    maxPixels: 50_000_000,
    maxDimension: 800,
    jpegQuality: 85,
    outputPrefix: 'compressed/',
    suffixes: ['.jpg', '.jpeg', '.png'],
  },
};

export const usersSpec: FunctionSpec<UsersSettings> = {
  name: 'users',
  description: 'REST API for user records',
  trigger: 'http',
  memoryMb: 256,
  timeoutSeconds: 10,
  ports: ['users'],
  settings: {
    defaultPageSize: 20,
    maxPageSize: 100,
    maxBodyBytes: 64 * 1024,
    adminClaim: 'admin',
    corsOrigins: [],
    uploadMaxBytes: imagesSpec.settings.maxObjectBytes,
    uploadUrlSeconds: 5 * 60,
    downloadUrlSeconds: 15 * 60,
  },
};

export const ordersSpec: FunctionSpec<OrdersSettings> = {
  name: 'orders',
  description: 'Places each queued order atomically and relays its payment request and event',
  trigger: 'queue',
  memoryMb: 256,
  timeoutSeconds: 30,
  ports: ['ledger', 'bus', 'deadLetters'],
  settings: {
    maxDistinctProducts: 25,
    maxDeliveries: 5,
    sweepGraceSeconds: 120,
    sweepMaxOrders: 200,
  },
};

export const functionSpecs = { images: imagesSpec, users: usersSpec, orders: ordersSpec } as const;

export const allSpecs: readonly FunctionSpec<unknown>[] = [imagesSpec, usersSpec, ordersSpec];
