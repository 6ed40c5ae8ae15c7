/**
 * The real local peers of test/support, reused (not copied) by the benchmarks: DynamoDB Local,
 * fauxqs (SQS, SNS) and s3rver (aws-peers), Azurite and the Event Grid stand-in (azure-peers),
 * the Firestore and Pub/Sub emulators (gcp-peers) and the Cloud Storage stand-in.
 *
 * aws-peers and gcp-peers register their stop as a mocha root `after` hook when first loaded. A
 * benchmark is not a mocha run, so before loading them this installs a global `after` that keeps
 * the hooks, and `stopPeers()` runs them (last registered first). Both modules memoise their
 * peers for the life of the module, so `stopPeers()` also drops them from the require cache: the
 * next benchmark in the same `npm run bench` starts fresh peers instead of getting stopped ones.
 * gcp-peers points the Google libraries at its emulators through process.env; `stopPeers()` puts
 * those variables back as they were.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded only after the `after` shim is in place */
type AwsPeers = typeof import('../test/support/aws-peers');
type GcpPeers = typeof import('../test/support/gcp-peers');
type Hook = (this: { timeout(ms: number): void }) => unknown;

const hooks: Hook[] = [];
const LAZY = ['../test/support/aws-peers', '../test/support/gcp-peers'];
const ENV_SET_BY_PEERS = ['FIRESTORE_EMULATOR_HOST', 'PUBSUB_EMULATOR_HOST', 'METADATA_SERVER_DETECTION'];
let savedEnv: Record<string, string | undefined> | undefined;

function installAfter(): void {
  const g = globalThis as { after?: (fn: Hook) => void };
  // Under mocha (the bench helpers' tests) the real hook is there and keeps the peers' stop.
  if (typeof g.after !== 'function') g.after = (fn: Hook) => void hooks.push(fn);
  savedEnv ??= Object.fromEntries(ENV_SET_BY_PEERS.map((name) => [name, process.env[name]]));
}

/** test/support/aws-peers: dynamoPeer(), messagingPeer(), s3Peer(). */
export function awsPeers(): AwsPeers {
  installAfter();
  return require('../test/support/aws-peers') as AwsPeers;
}

/** test/support/gcp-peers: gcpPeers() (Firestore and Pub/Sub emulators), gcpPeersMissing(). */
export function gcpPeers(): GcpPeers {
  installAfter();
  return require('../test/support/gcp-peers') as GcpPeers;
}

/** Stops every peer started through this module, and forgets them. */
export async function stopPeers(): Promise<void> {
  const errors: unknown[] = [];
  for (const hook of hooks.splice(0).reverse()) {
    try {
      await hook.call({ timeout: () => undefined });
    } catch (err) {
      errors.push(err);
    }
  }
  for (const path of LAZY) delete require.cache[require.resolve(path)];
  if (savedEnv) {
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    savedEnv = undefined;
  }
  if (errors.length > 0) throw new Error(`stopping the peers: ${errors.map(String).join('; ')}`);
}
