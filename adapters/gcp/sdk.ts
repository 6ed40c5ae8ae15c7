/**
 * The Google client libraries, each required on first use rather than imported: a function then
 * loads only the SDKs it uses (loading all three at import cost 1.4 s of every cold start,
 * measured on the users bundle), and its package need only declare those.
 *
 * Every VALUE taken from an SDK goes through these loaders, ports included (`import type` is
 * free: it leaves no `require` behind). A top-level value import (`import { FieldPath } from
 * '@google-cloud/firestore'`) in any module the wiring reaches puts a `require` at the top of
 * EVERY function's bundle, and the images package, which does not carry Firestore, then fails its
 * cold start with MODULE_NOT_FOUND. Each loader is its own function, not a property of one
 * object, so that esbuild drops the loaders (and their `require`s) a function never reaches;
 * scripts/package/gcp.ts refuses a bundle that still requires a package its function does not declare.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export function loadFirestore(): typeof import('@google-cloud/firestore') {
  return require('@google-cloud/firestore') as typeof import('@google-cloud/firestore');
}

export function loadPubSub(): typeof import('@google-cloud/pubsub') {
  return require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
}

export function loadStorage(): typeof import('@google-cloud/storage') {
  return require('@google-cloud/storage') as typeof import('@google-cloud/storage');
}
/* eslint-enable @typescript-eslint/no-require-imports */
