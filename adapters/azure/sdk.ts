/**
 * The Azure client libraries, each required on first use rather than imported, as in
 * adapters/gcp/sdk.ts: the app's one package hosts all three functions and loads all three
 * modules when the host starts it, so a top-level import made every cold start pay for every SDK
 * (Storage Blob, Storage Queue, Tables, Event Grid and Identity, about 135 ms together, measured
 * by `npm run bench:cold-start`). Now the users function loads Tables, the orders function
 * Tables, Storage Queue and Event Grid (and Storage Blob for a dead letter too large for the
 * poison queue), the images function Storage Blob, and Identity only where no connection string
 * is set (in Azure).
 *
 * Every VALUE taken from an SDK goes through these loaders (`import type` leaves no `require`
 * behind): one top-level value import anywhere the app reaches puts the SDK back at start-up,
 * which eslint.config.mjs refuses outside this file (test/lint/import-rule.test.ts).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export function loadTables(): typeof import('@azure/data-tables') {
  return require('@azure/data-tables') as typeof import('@azure/data-tables');
}

export function loadStorageBlob(): typeof import('@azure/storage-blob') {
  return require('@azure/storage-blob') as typeof import('@azure/storage-blob');
}

export function loadStorageQueue(): typeof import('@azure/storage-queue') {
  return require('@azure/storage-queue') as typeof import('@azure/storage-queue');
}

export function loadEventGrid(): typeof import('@azure/eventgrid') {
  return require('@azure/eventgrid') as typeof import('@azure/eventgrid');
}

export function loadIdentity(): typeof import('@azure/identity') {
  return require('@azure/identity') as typeof import('@azure/identity');
}
/* eslint-enable @typescript-eslint/no-require-imports */
