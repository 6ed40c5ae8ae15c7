/**
 * Google's emulators for the GCP adapter tests, started ONCE per test run on 127.0.0.1 and
 * stopped by their own process group in a root-level after() hook:
 * - the Firestore emulator jar (Debian `google-cloud-cli-firestore-emulator`), run with java
 *   directly: the gcloud wrapper forks Java and leaves it behind when killed;
 * - the Pub/Sub emulator (Debian `google-cloud-cli-pubsub-emulator`); its script `exec`s java, and
 *   startProcess signals the whole group anyway.
 * The client libraries find them through FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST, set here.
 */
import { existsSync } from 'node:fs';
import { freePort, peerUnavailable, startProcess, type RunningProcess } from './processes';

/**
 * Where the Google Cloud CLI keeps its components: Debian's packages put it under /usr/lib; a CLI
 * installed another way (the GitHub workflow's setup-gcloud) says where with GOOGLE_CLOUD_SDK_ROOT.
 */
const SDK_ROOT = process.env.GOOGLE_CLOUD_SDK_ROOT || '/usr/lib/google-cloud-sdk';
export const FIRESTORE_JAR = `${SDK_ROOT}/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar`;
export const PUBSUB_EMULATOR = `${SDK_ROOT}/platform/pubsub-emulator/bin/cloud-pubsub-emulator`;
export const GCP_TEST_PROJECT = 'multicloud-functions-test';

export interface GcpPeers {
  firestoreHost: string;
  pubsubHost: string;
  projectId: string;
}

/** Why the emulators cannot run here, or undefined when they can. */
export function gcpPeersMissing(): string | undefined {
  const missing: string[] = [];
  if (!existsSync(FIRESTORE_JAR)) missing.push(`${FIRESTORE_JAR} (apt-get install google-cloud-cli-firestore-emulator)`);
  if (!existsSync(PUBSUB_EMULATOR)) missing.push(`${PUBSUB_EMULATOR} (apt-get install google-cloud-cli-pubsub-emulator)`);
  if (!hasJava()) missing.push('java (Java 17 or later)');
  return missing.length > 0 ? peerUnavailable(`Google emulators missing: ${missing.join(', ')}`) : undefined;
}

function hasJava(): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(`${dir}/java`));
}

const running: RunningProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

/** Runs `cleanup` (closing clients of the emulators) before the emulators stop. */
export function beforeGcpPeersStop(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}
let peers: Promise<GcpPeers> | undefined;

/** Starts both emulators the first time it is called; later calls share them. */
export function gcpPeers(): Promise<GcpPeers> {
  peers ??= start();
  return peers;
}

async function start(): Promise<GcpPeers> {
  const [firestorePort, pubsubPort] = [await freePort(), await freePort()];
  const javaOpts = ['-Xms64m', '-Xmx512m'];
  const [firestore, pubsub] = await Promise.all([
    startProcess(
      'java',
      [...javaOpts, '-cp', FIRESTORE_JAR, 'com.google.cloud.datastore.emulator.firestore.CloudFirestore', 'start', '--host=127.0.0.1', `--port=${firestorePort}`],
      firestorePort,
    ),
    startProcess(PUBSUB_EMULATOR, ['--host=127.0.0.1', `--port=${pubsubPort}`], pubsubPort, {
      env: { ...process.env, JAVA_OPTS: javaOpts.join(' ') },
    }),
  ]);
  running.push(firestore, pubsub);
  if (running.length === 2) process.once('exit', killLeftovers);
  const result: GcpPeers = {
    firestoreHost: `127.0.0.1:${firestorePort}`,
    pubsubHost: `127.0.0.1:${pubsubPort}`,
    projectId: GCP_TEST_PROJECT,
  };
  process.env.FIRESTORE_EMULATOR_HOST = result.firestoreHost;
  process.env.PUBSUB_EMULATOR_HOST = result.pubsubHost;
  // No metadata server here: the libraries must not wait for one to find credentials.
  process.env.METADATA_SERVER_DETECTION = 'none';
  return result;
}

/** Last resort when the process exits before the after() hook has run (mocha --exit, a crash). */
function killLeftovers(): void {
  for (const p of running) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Stops what was started; registered once, at the root, so it runs after every suite. */
after(async function () {
  this.timeout(20_000);
  // A client that will not close (a streaming pull) must not keep the emulators running.
  for (const cleanup of cleanups.splice(0)) {
    await Promise.race([cleanup().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
  }
  await Promise.all(running.splice(0).map((p) => p.stop()));
});
