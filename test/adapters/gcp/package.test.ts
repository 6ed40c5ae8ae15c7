/**
 * The 2nd gen source uploads (scripts/package/gcp.ts): what each zip holds, and that its entry
 * loads in a FRESH Node process and registers its target in the Functions Framework installed
 * beside it (here: this checkout's node_modules, through NODE_PATH, as Cloud Build's install would
 * provide). The orders bundle also serves one real order against the emulators, which proves the
 * bundled Firestore and Pub/Sub clients (gRPC, protos) work outside this repository.
 */
import { expect } from 'chai';
import JSZip from 'jszip';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gcpEnvironment as names } from '../../../adapters/gcp/environment';
import { FirestoreOrderLedger } from '../../../adapters/gcp/ports/order-ledger';
import { firestoreClient } from '../../../adapters/gcp/wiring';
import { buildGcpPackages, type GcpPackage } from '../../../scripts/package/gcp';
import { repoRoot } from '../../support/fixtures';
import { gcpPeers, gcpPeersMissing } from '../../support/gcp-peers';
import { functionsEnv } from './support/functions-env';

const run = promisify(execFile);

async function unzip(zipPath: string, into: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  const names = Object.keys(zip.files).sort();
  mkdirSync(into, { recursive: true });
  for (const name of names) writeFileSync(join(into, name), await zip.files[name].async('nodebuffer'));
  return names;
}

/** Runs `script` with node in `cwd`, resolving packages from this checkout only through NODE_PATH. */
function freshNode(cwd: string, script: string, env: Record<string, string> = {}) {
  return run(process.execPath, ['-e', script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', NODE_PATH: join(repoRoot, 'node_modules'), METADATA_SERVER_DETECTION: 'none', ...env },
    timeout: 60_000,
  });
}

describe('GCP package (Cloud Functions 2nd gen source uploads)', function () {
  this.timeout(120_000);
  const out = mkdtempSync(join(tmpdir(), 'gcp-package-'));
  let packages: GcpPackage[];

  before(async () => {
    packages = await buildGcpPackages({ outDir: out });
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('zips exactly index.js and a package.json whose main points at it, with the runtime dependencies', async () => {
    for (const p of packages) {
      const dir = join(out, 'unzipped', p.fn);
      expect(await unzip(p.zipPath, dir), p.fn).to.deep.equal(['index.js', 'package.json']);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(manifest.main).to.equal('index.js');
      const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
      const expected: Record<string, string> = { '@google-cloud/functions-framework': rootManifest.dependencies['@google-cloud/functions-framework'] };
      if (p.fn === 'images') expected.sharp = rootManifest.dependencies.sharp;
      expect(manifest.dependencies, p.fn).to.deep.equal(expected);
    }
  });

  it('leaves out of each bundle the Google SDKs its function never uses', () => {
    const bundle = (fn: string) => readFileSync(join(out, 'gcp', fn, 'index.js'), 'utf8');
    const markers = { firestore: 'google.firestore.v1', pubsub: 'google.pubsub.v1', storage: 'storage.googleapis.com' };
    const expected = { images: ['pubsub', 'storage'], users: ['firestore'], orders: ['firestore', 'pubsub'] } as const;
    for (const [fn, used] of Object.entries(expected)) {
      for (const [sdk, marker] of Object.entries(markers)) {
        expect(bundle(fn).includes(marker), `${fn} bundles ${sdk}`).to.equal((used as readonly string[]).includes(sdk));
      }
    }
  });

  it('names each upload by its content hash, in the manifest, and builds the same zip twice', async () => {
    const manifest = JSON.parse(readFileSync(join(out, 'gcp', 'manifest.json'), 'utf8'));
    for (const p of packages) {
      expect(manifest[p.fn].objectName).to.equal(p.objectName).and.to.include(p.sha256.slice(0, 20));
    }
    const again = await buildGcpPackages({ outDir: join(out, 'again'), functions: ['users'] });
    expect(again[0].sha256, 'deterministic zip').to.equal(packages.find((p) => p.fn === 'users')!.sha256);
  });

  it('loads each entry in a fresh Node process, registering its target', async () => {
    for (const p of packages) {
      const dir = join(out, 'fresh', p.fn);
      await unzip(p.zipPath, dir);
      const { stdout } = await freshNode(
        dir,
        `require('./index.js');
         const f = require('@google-cloud/functions-framework/testing').getFunction(${JSON.stringify(p.fn)});
         console.log(typeof f);`,
      );
      expect(stdout.trim(), p.fn).to.equal('function');
    }
  });

  it('serves an order from the orders bundle in a fresh process, against the emulators', async function () {
    const missing = gcpPeersMissing();
    if (missing) {
      console.warn(`skipping: ${missing}`);
      this.skip();
    }
    const env = await functionsEnv();
    const peers = await gcpPeers();
    const ledger = new FirestoreOrderLedger(firestoreClient());
    const product = `p-${randomUUID().slice(0, 8)}`;
    await ledger.setStock(product, 4);
    const order = { order_id: `o-${randomUUID().slice(0, 8)}`, user_id: 'u-1', items: [{ product_id: product, quantity: 3 }], total_amount: 300, currency: 'EUR' };
    const push = { subscription: 'projects/p/subscriptions/s', message: { messageId: 'bundle-1', data: Buffer.from(JSON.stringify(order)).toString('base64') } };
    const dir = join(out, 'fresh', 'orders');
    const { stdout } = await freshNode(
      dir,
      `require('./index.js');
       const server = require('@google-cloud/functions-framework/testing').getTestServer('orders');
       server.listen(0, '127.0.0.1', async () => {
         const res = await fetch('http://127.0.0.1:' + server.address().port + '/', {
           method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(push))} });
         console.log('STATUS ' + res.status);
         process.exit(0);
       });`,
      {
        FIRESTORE_EMULATOR_HOST: peers.firestoreHost,
        PUBSUB_EMULATOR_HOST: peers.pubsubHost,
        [names.common.projectId]: peers.projectId,
        [names.orders.paymentsTopic]: env.topics.payments,
        [names.orders.eventsTopic]: env.topics.events,
        [names.orders.deadLetterTopic]: env.topics.ordersDeadLetters,
      },
    );
    expect(stdout).to.match(/STATUS 204/);
    expect((await ledger.getOrder(order.order_id))!.status).to.equal('PLACED');
    expect(await ledger.getStock(product)).to.equal(1);
  });
});
