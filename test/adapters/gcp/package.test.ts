/**
 * The 2nd gen source uploads (scripts/package/gcp.ts): what each zip holds, and that each runs
 * with NOTHING but what its package.json declares, as after Cloud Build's `npm install`:
 * - statically, every package the bundle `require`s (read from the bundle text, independently of
 *   the packager's own metafile check) is declared;
 * - at run time, each zip is unpacked into a folder of its own and given a node_modules holding
 *   only its declared dependencies and their closure, copied from this checkout; a fresh Node
 *   process with no NODE_PATH loads it there and serves real requests. The test first proves the
 *   folder is sealed: no Google SDK resolves from it. (Resolving from this checkout's node_modules,
 *   as this test once did through NODE_PATH, hid an images bundle that required Firestore at load.)
 */
import { expect } from 'chai';
import JSZip from 'jszip';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gcpEnvironment as names } from '../../../adapters/gcp/environment';
import { GcsBlobStore } from '../../../adapters/gcp/ports/blob-store';
import { FirestoreOrderLedger } from '../../../adapters/gcp/ports/order-ledger';
import { FirestoreUserRepository } from '../../../adapters/gcp/ports/user-repository';
import { firestoreClient, storageClient } from '../../../adapters/gcp/wiring';
import { bundleRequires, OPTIONAL_REQUIRES } from '../../../scripts/package/externals';
import { buildGcpPackages, sdkFile, type GcpPackage } from '../../../scripts/package/gcp';
import { copyDependencyClosure } from '../../../scripts/package/node-modules';
import { eventFixture, imageFixture, repoRoot } from '../../support/fixtures';
import { gcpPeers, gcpPeersMissing } from '../../support/gcp-peers';
import { functionsEnv } from './support/functions-env';

const run = promisify(execFile);
const GOOGLE_SDKS = ['@google-cloud/firestore', '@google-cloud/pubsub', '@google-cloud/storage'];

async function unzip(zipPath: string, into: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  const names = Object.keys(zip.files).sort();
  mkdirSync(into, { recursive: true });
  for (const name of names) {
    mkdirSync(dirname(join(into, name)), { recursive: true });
    writeFileSync(join(into, name), await zip.files[name].async('nodebuffer'));
  }
  return names;
}

/** A minimal environment: no NODE_PATH, no HOME (so no ~/.node_modules), nothing of this checkout. */
function sealedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', METADATA_SERVER_DETECTION: 'none', ...extra };
}

/** Runs `script` with node in `cwd` under sealedEnv. */
function freshNode(cwd: string, script: string, env: Record<string, string> = {}) {
  return run(process.execPath, ['-e', script], { cwd, env: sealedEnv(env), timeout: 60_000 });
}

/**
 * Serves `target` from the package in `dir` in a fresh, sealed Node process and sends it `paths`
 * (GET) one after the other: each answer's status and body, and which of the package's own files
 * the process had loaded by then (`require.cache`, relative to the package).
 */
async function getIsolated(dir: string, target: string, env: Record<string, string>, paths: string[]): Promise<{ status: number; body: string; loaded: string[] }[]> {
  const script = `require('./index.js');
    const path = require('node:path');
    const server = require('@google-cloud/functions-framework/testing').getTestServer(${JSON.stringify(target)});
    const loaded = () => Object.keys(require.cache).filter((f) => f.startsWith(process.cwd() + path.sep) && !f.includes(path.sep + 'node_modules' + path.sep)).map((f) => path.relative(process.cwd(), f)).sort();
    server.listen(0, '127.0.0.1', async () => {
      const answers = [];
      for (const p of ${JSON.stringify(paths)}) {
        const res = await fetch('http://127.0.0.1:' + server.address().port + p);
        answers.push({ status: res.status, body: await res.text(), loaded: loaded() });
      }
      console.log('ANSWERS ' + JSON.stringify(answers));
      server.close();
      process.exit(0);
    });`;
  const { stdout } = await freshNode(dir, script, env);
  const line = stdout.split('\n').find((l) => l.startsWith('ANSWERS '));
  expect(line, `no answers in:\n${stdout}`).to.not.equal(undefined);
  return JSON.parse(line!.slice('ANSWERS '.length));
}

interface Served {
  url: string;
  stop(): void;
}

/** Serves `target` from the package in `dir` in a fresh, sealed Node process; stop() ends it by its handle. */
async function serveIsolated(dir: string, target: string, env: Record<string, string>): Promise<Served> {
  const script = `require('./index.js');
    const server = require('@google-cloud/functions-framework/testing').getTestServer(${JSON.stringify(target)});
    server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { cwd: dir, env: sealedEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${target} did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /PORT (\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${target} exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      child.removeAllListeners('exit');
      child.kill();
    },
  };
}

describe('GCP package (Cloud Functions 2nd gen source uploads)', function () {
  this.timeout(120_000);
  const out = mkdtempSync(join(tmpdir(), 'gcp-package-'));
  let packages: GcpPackage[];
  const installed = (fn: string) => join(out, 'installed', fn);

  before(async () => {
    packages = await buildGcpPackages({ outDir: out });
    // Each zip unpacked on its own, with a node_modules of exactly its declared dependencies.
    for (const p of packages) {
      await unzip(p.zipPath, installed(p.fn));
      const manifest = JSON.parse(readFileSync(join(installed(p.fn), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      copyDependencyClosure(Object.keys(manifest.dependencies), repoRoot, installed(p.fn));
    }
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('zips exactly index.js, the SDKs kept apart (users: sdk/storage.js) and a package.json whose main points at it, with the runtime dependencies', async () => {
    for (const p of packages) {
      const dir = join(out, 'unzipped', p.fn);
      expect(await unzip(p.zipPath, dir), p.fn).to.deep.equal(p.fn === 'users' ? ['index.js', 'package.json', 'sdk/storage.js'] : ['index.js', 'package.json']);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(manifest.main).to.equal('index.js');
      const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
      const expected: Record<string, string> = { '@google-cloud/functions-framework': rootManifest.dependencies['@google-cloud/functions-framework'] };
      if (p.fn === 'images') expected.sharp = rootManifest.dependencies.sharp;
      expect(manifest.dependencies, p.fn).to.deep.equal(expected);
    }
  });

  it('requires at run time only packages its package.json declares (or that are required optionally)', async () => {
    for (const p of packages) {
      const declared = Object.keys(JSON.parse(readFileSync(join(installed(p.fn), 'package.json'), 'utf8')).dependencies);
      const required = await bundleRequires(join(installed(p.fn), 'index.js'));
      const undeclared = required.filter((name) => !declared.includes(name) && !(name in OPTIONAL_REQUIRES));
      expect(undeclared, `${p.fn} requires packages its package does not declare`).to.deep.equal([]);
      expect(p.externals, `${p.fn}: the packager's metafile view agrees with the bundle text`).to.deep.equal(required);
    }
  });

  it('leaves out of each index.js the Google SDKs its function never uses, and those it uses only sometimes (users: Cloud Storage, in sdk/storage.js)', () => {
    const bundle = (fn: string, file = 'index.js') => readFileSync(join(out, 'gcp', fn, file), 'utf8');
    const markers = { firestore: 'google.firestore.v1', pubsub: 'google.pubsub.v1', storage: 'storage.googleapis.com' };
    // users signs Cloud Storage URLs for the image routes only (adapters/gcp/ports/object-urls.ts)
    const expected = { images: ['pubsub', 'storage'], users: ['firestore'], orders: ['firestore', 'pubsub'] } as const;
    for (const [fn, used] of Object.entries(expected)) {
      for (const [sdk, marker] of Object.entries(markers)) {
        expect(bundle(fn).includes(marker), `${fn} bundles ${sdk}`).to.equal((used as readonly string[]).includes(sdk));
      }
    }
    const storage = bundle('users', sdkFile('@google-cloud/storage'));
    expect(storage.includes(markers.storage), 'users sdk/storage.js holds the Storage SDK').to.equal(true);
    expect(storage.includes(markers.firestore), 'and not Firestore').to.equal(false);
  });

  it('names each upload by its content hash, in the manifest, and builds the same zip twice', async () => {
    const manifest = JSON.parse(readFileSync(join(out, 'gcp', 'manifest.json'), 'utf8'));
    for (const p of packages) {
      expect(manifest[p.fn].objectName).to.equal(p.objectName).and.to.include(p.sha256.slice(0, 20));
    }
    const again = await buildGcpPackages({ outDir: join(out, 'again'), functions: ['users'] });
    expect(again[0].sha256, 'deterministic zip').to.equal(packages.find((p) => p.fn === 'users')!.sha256);
  });

  it('loads each entry in a fresh Node process that resolves only its declared dependencies, registering its target', async () => {
    for (const p of packages) {
      const { stdout } = await freshNode(
        installed(p.fn),
        `const sdks = ${JSON.stringify(GOOGLE_SDKS)}.filter((n) => { try { require.resolve(n); return true; } catch { return false; } });
         require('./index.js');
         const f = require('@google-cloud/functions-framework/testing').getFunction(${JSON.stringify(p.fn)});
         console.log(JSON.stringify({ sdks, target: typeof f }));`,
      );
      const { sdks, target } = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(sdks, `${p.fn}: the folder is sealed (no Google SDK resolves from it)`).to.deep.equal([]);
      expect(target, p.fn).to.equal('function');
    }
  });

  describe('served from the sealed packages, against the emulators', () => {
    let env: Awaited<ReturnType<typeof functionsEnv>>;
    let peers: Awaited<ReturnType<typeof gcpPeers>>;
    let served: Served | undefined;

    before(async function () {
      const missing = gcpPeersMissing();
      if (missing) {
        console.warn(`skipping: ${missing}`);
        this.skip();
      }
      env = await functionsEnv();
      peers = await gcpPeers();
    });
    afterEach(() => served?.stop());

    const common = () => ({
      FIRESTORE_EMULATOR_HOST: peers.firestoreHost,
      PUBSUB_EMULATOR_HOST: peers.pubsubHost,
      STORAGE_EMULATOR_HOST: env.storage.endpoint,
      [names.common.projectId]: peers.projectId,
    });

    it('images: compresses an original in the GCS stand-in (sharp and the storage client from the package)', async () => {
      const key = `package/${randomUUID().slice(0, 8)}.jpg`;
      await new GcsBlobStore(storageClient()).put(env.originals, key, imageFixture('jpeg-grayscale-hopper.jpg'), { contentType: 'image/jpeg', metadata: {} });
      const resource = env.storage.objects.get(`${env.originals}/${key}`)!.resource;
      served = await serveIsolated(installed('images'), 'images', {
        ...common(),
        [names.images.originalsBucket]: env.originals,
        [names.images.compressedBucket]: env.compressed,
        [names.images.deadLetterTopic]: env.topics.imagesDeadLetters,
      });
      const event = {
        ...eventFixture<Record<string, unknown>>('gcp', 'storage-object-finalized.cloudevent-structured.json'),
        id: `package-${randomUUID()}`,
        source: `//storage.googleapis.com/projects/_/buckets/${env.originals}`,
        subject: `objects/${key}`,
        data: resource,
      };
      const res = await fetch(served.url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) });
      expect(res.status, await res.text()).to.equal(204);
      expect(env.storage.objects.get(`${env.compressed}/compressed/${key}`)?.resource.contentType).to.equal('image/jpeg');
    });

    it('users: lists users from Firestore', async () => {
      served = await serveIsolated(installed('users'), 'users', {
        ...common(),
        [names.users.originalsBucket]: env.originals,
        [names.users.compressedBucket]: env.compressed,
      });
      const res = await fetch(`${served.url}/users?limit=1`);
      expect(res.status, await res.clone().text()).to.equal(200);
      expect(await res.json()).to.have.property('users').that.is.an('array');
    });

    it('users: loads sdk/storage.js on the first image route only, and lists the images from the Cloud Storage stand-in with it', async () => {
      const id = `u-${randomUUID()}`;
      const now = new Date().toISOString();
      expect(await new FirestoreUserRepository(firestoreClient()).create({ user_id: id, name: 'Listed', email: `${id}@example.com`, version: 1, created_at: now, updated_at: now })).to.equal('created');
      const [plain, images] = await getIsolated(installed('users'), 'users', {
        ...common(),
        [names.users.originalsBucket]: env.originals,
        [names.users.compressedBucket]: env.compressed,
      }, [`/users/${id}`, `/users/${id}/images`]);
      expect(plain.status, plain.body).to.equal(200);
      expect(plain.loaded, 'a users route').to.deep.equal(['index.js']);
      expect(images.status, images.body).to.equal(200);
      expect(JSON.parse(images.body)).to.deep.equal({ images: [], count: 0 });
      expect(images.loaded, 'an image route').to.deep.equal(['index.js', 'sdk/storage.js']);
    });

    it('orders: places an order pushed by Pub/Sub', async () => {
      const ledger = new FirestoreOrderLedger(firestoreClient());
      const product = `p-${randomUUID().slice(0, 8)}`;
      await ledger.setStock(product, 4);
      const order = { order_id: `o-${randomUUID().slice(0, 8)}`, user_id: 'u-1', items: [{ product_id: product, quantity: 3 }], total_amount: 300, currency: 'EUR' };
      const push = { subscription: 'projects/p/subscriptions/s', message: { messageId: 'bundle-1', data: Buffer.from(JSON.stringify(order)).toString('base64') } };
      served = await serveIsolated(installed('orders'), 'orders', {
        ...common(),
        [names.orders.paymentsTopic]: env.topics.payments,
        [names.orders.eventsTopic]: env.topics.events,
        [names.orders.deadLetterTopic]: env.topics.ordersDeadLetters,
      });
      const res = await fetch(served.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(push) });
      expect(res.status).to.equal(204);
      expect((await ledger.getOrder(order.order_id))!.status).to.equal('PLACED');
      expect(await ledger.getStock(product)).to.equal(1);
    });
  });
});
