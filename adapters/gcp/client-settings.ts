/**
 * How the Google clients are built: the settings the wiring, the tests and the benchmark share,
 * so that what is tested against the emulators is what ships.
 *
 * Firestore talks REST (HTTP/1.1, `preferRest`) instead of gRPC. The gRPC stack (@grpc/grpc-js,
 * the channel and its protos) is what a first Firestore call spent most of its cold start on;
 * with `preferRest` the client loads `google-gax/fallback` and sends JSON over Node's http, and
 * loads gRPC only for `onSnapshot`, which no function uses
 * (https://cloud.google.com/nodejs/docs/reference/firestore/latest/firestore/settings, `preferRest`;
 * firebase/firebase-admin-node#1901 added it for this cold-start cost). The figures are in
 * BENCHMARKS.md ("Cold start and package size").
 *
 * Against the emulator (FIRESTORE_EMULATOR_HOST), the REST client still asks google-auth-library
 * for application default credentials before its first request, and there are none on a laptop or
 * in CI (googleapis/nodejs-firestore#1811, open; the fix proposed in its PR #1812 was never merged).
 * The Firestore client already sends the emulator's own credential, `Authorization: Bearer owner`,
 * on every request when it talks to the emulator; an API key gives the auth library a client that
 * needs no lookup, so that header goes out unchanged (the key only adds an `x-goog-api-key`
 * header, which the emulator ignores). Production never sets the emulator variable and so never
 * gets the key: there the function's service account signs in as before.
 */
import type { Settings as FirestoreSettings } from '@google-cloud/firestore';
import { gcpEmulatorEnvironment as emulators } from './environment';

type Env = Record<string, string | undefined>;

/** What the key is when the emulator is used: any non-empty string does. */
export const EMULATOR_API_KEY = 'firestore-emulator';

export function firestoreSettings(projectId: string, databaseId = '(default)', env: Env = process.env): FirestoreSettings {
  return {
    projectId,
    databaseId,
    // Optional fields of the domain records are left out rather than stored as null.
    ignoreUndefinedProperties: true,
    preferRest: true,
    ...(env[emulators.firestore] ? { apiKey: EMULATOR_API_KEY } : {}),
  };
}
