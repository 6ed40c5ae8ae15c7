/**
 * The Flex Consumption package: its zip's layout, and its entry file loaded in a fresh Node
 * process the way the Functions Node.js worker loads it. The worker provides the module
 * `@azure/functions-core`; here a small one records what `@azure/functions` registers through it
 * (registerFunction with each function's name and bindings), which is what the host indexes.
 */
import { expect } from 'chai';
import JSZip from 'jszip';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import host from '../../../adapters/azure/host.json';
import { azureEnvironment as env, azureOptionalSettings } from '../../../adapters/azure/environment';
import { startAzurite, type Azurite } from '../../support/azure-peers';
import { imageFixture } from '../../support/fixtures';
import { AZURE_WORKER_PROVIDED, buildAzurePackage, type AzurePackage } from '../../../scripts/package/azure';
import { bundleRequires, OPTIONAL_REQUIRES } from '../../../scripts/package/externals';

const WORKER_CORE_API = `
const registered = [];
module.exports = {
  registered,
  setProgrammingModel() {},
  getProgrammingModel() { return undefined; },
  handlers: {},
  registerFunction(metadata, handler) { registered.push(metadata); module.exports.handlers[metadata.name] = handler; return { dispose() {} }; },
  registerHook() { return { dispose() {} }; },
  log() {},
};
`;

describe('Azure Flex Consumption package', function () {
  this.timeout(180_000);
  let work: string;
  let pkg: AzurePackage;
  let zip: JSZip;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'azure-package-'));
    pkg = await buildAzurePackage({ outDir: join(work, 'dist') });
    zip = await JSZip.loadAsync(readFileSync(pkg.zipPath));
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await azurite?.stop();
  });

  /** Unzips the package and adds the worker's core API module; returns the app folder. */
  async function unzip(): Promise<{ app: string; core: string }> {
    const app = join(work, 'unzipped');
    for (const [name, entry] of Object.entries(zip.files)) {
      if (entry.dir) continue;
      mkdirSync(dirname(join(app, name)), { recursive: true });
      writeFileSync(join(app, name), await entry.async('nodebuffer'));
    }
    const core = join(app, 'node_modules', '@azure', 'functions-core');
    mkdirSync(core, { recursive: true });
    writeFileSync(join(core, 'index.js'), WORKER_CORE_API);
    writeFileSync(join(core, 'package.json'), '{"name":"@azure/functions-core","main":"index.js"}');
    return { app, core };
  }
  let azurite: Azurite | undefined;

  it('holds host.json, package.json with main, the entry, one bundle per function and sharp for linux-x64 glibc', async () => {
    const names = Object.keys(zip.files);
    for (const required of [
      'host.json',
      'package.json',
      'main.js',
      'node_modules/sharp/package.json',
      'node_modules/@img/sharp-linux-x64/package.json',
    ]) expect(names, required).to.include(required);
    expect(names.some((n) => /^node_modules\/@img\/sharp-linux-x64\/lib\/sharp-linux-x64[-.\d]*\.node$/.test(n)), 'sharp binding').to.equal(true);
    expect(names.some((n) => /^node_modules\/@img\/sharp-libvips-linux-x64\/lib\/libvips-cpp\.so/.test(n)), 'libvips').to.equal(true);
    expect(names.filter((n) => n.endsWith('.js') && !n.startsWith('node_modules/')).sort(), 'the bundles').to.deep.equal(
      ['functions/images.js', 'functions/orders.js', 'functions/sdk/storage-blob.js', 'functions/users.js', 'main.js'],
    );
    expect(pkg.bundles).to.deep.equal(['main.js', 'functions/images.js', 'functions/users.js', 'functions/orders.js', 'functions/sdk/storage-blob.js']);
    expect(names.filter((n) => /sharp-(darwin|win32|linuxmusl|linux-arm)/.test(n)), 'no other platform').to.deep.equal([]);
    expect(names.filter((n) => n.endsWith('.map')), 'source maps stay out').to.deep.equal([]);
    const manifest = JSON.parse(await zip.file('package.json')!.async('string'));
    expect(manifest.main).to.equal('main.js');
    expect(JSON.parse(await zip.file('host.json')!.async('string'))).to.deep.equal(host);
  });

  it('requires at run time only what the zip carries and declares, or what the worker provides', async () => {
    const required = [...new Set((await Promise.all(pkg.bundles.map((b) => bundleRequires(join(pkg.appDir, b))))).flat())].sort();
    expect(pkg.externals, "the packager's metafile view agrees with the bundle text").to.deep.equal(required);
    const declared = Object.keys(JSON.parse(await zip.file('package.json')!.async('string')).dependencies);
    for (const name of required) {
      if (name === AZURE_WORKER_PROVIDED || name in OPTIONAL_REQUIRES) continue;
      expect(declared, `${name} in package.json`).to.include(name);
      expect(Object.keys(zip.files), `${name} in the zip`).to.include(`node_modules/${name}/package.json`);
    }
    // The fresh processes below load from the unzipped folder: nothing above it may supply a package.
    for (let dir = work; dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).to.equal(false);
    }
  });

  it('registers images, users (and its openapi.json) and orders with their triggers when the worker loads main.js', async () => {
    const { app, core } = await unzip();
    const script = `require(${JSON.stringify(join(app, 'main.js'))});
      const sharpAtStart = Object.keys(require.cache).some((file) => file.includes('/node_modules/sharp/'));
      const sharp = require(${JSON.stringify(join(app, 'node_modules', 'sharp'))});
      process.stdout.write(JSON.stringify({ registered: require(${JSON.stringify(core)}).registered, vips: sharp.versions.vips, sharpAtStart }));`;
    // A fresh process with no environment of ours: the entry must not build clients at load.
    const out = execFileSync(process.execPath, ['-e', script], { cwd: app, env: { PATH: process.env.PATH ?? '' } }).toString();
    const { registered, vips, sharpAtStart } = JSON.parse(out) as { registered: { name: string; bindings: Record<string, Record<string, unknown>> }[]; vips: string; sharpAtStart: boolean };
    expect(vips, 'sharp loads its linux-x64 binary').to.match(/^\d+\.\d+/);
    // the images core (and sharp, a native addon) loads on the first images invocation, not when
    // the worker starts the app for users or orders (adapters/azure/images.ts)
    expect(sharpAtStart, 'sharp loaded at start').to.equal(false);
    const triggers = Object.fromEntries(
      registered.map((f) => [f.name, Object.values(f.bindings).find((b) => b.direction === 'in')!]),
    );
    expect(Object.keys(triggers)).to.deep.equal(['images', 'users', 'user-images', 'openapi', 'orders', 'outboxSweep']);
    expect(triggers.openapi).to.include({ type: 'httpTrigger', route: 'openapi.json', authLevel: 'anonymous' });
    expect(triggers.openapi.methods).to.have.members(['GET', 'HEAD', 'OPTIONS']);
    // the outbox sweeper's timer, on the schedule the stack writes into ORDERS_SWEEP_SCHEDULE
    expect(triggers.outboxSweep).to.include({ type: 'timerTrigger', schedule: '%ORDERS_SWEEP_SCHEDULE%' });
    expect(triggers.images.type).to.equal('eventGridTrigger');
    expect(triggers.users).to.include({ type: 'httpTrigger', route: 'users/{id?}', authLevel: 'anonymous' });
    // the signed uploads and images below a user (adapters/azure/users.ts)
    expect(triggers['user-images']).to.include({ type: 'httpTrigger', route: 'users/{id}/{*rest}', authLevel: 'anonymous' });
    // Every method the core answers, HEAD and OPTIONS included: the host answers others 404 itself.
    expect(triggers.users.methods).to.have.members(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    // dataType binary: the host hands the message over as bytes, so poison letters keep its text.
    expect(triggers.orders).to.include({ type: 'queueTrigger', queueName: '%ORDERS_QUEUE%', connection: 'ORDERS_QUEUE_CONNECTION', dataType: 'binary' });
  });

  it("loads no function's code at start, and on a function's first invocation its bundle alone", async () => {
    const { app, core } = await unzip();
    // users has no app settings here: its first invocation loads its bundle, then fails on them.
    const script = `require(${JSON.stringify(join(app, 'main.js'))});
      const loaded = () => Object.keys(require.cache).filter((f) => f.includes('/functions/')).map((f) => f.slice(f.lastIndexOf('/functions/') + 1));
      const atStart = loaded();
      const request = { method: 'GET', url: 'http://localhost/users', query: new URLSearchParams(), headers: new Headers(), arrayBuffer: async () => new ArrayBuffer(0) };
      Promise.resolve().then(() => require(${JSON.stringify(core)}).handlers.users(request, { invocationId: 'package-test' }))
        .then(() => 'answered', (err) => String(err.message))
        .then((outcome) => process.stdout.write(JSON.stringify({ atStart, afterUsers: loaded(), outcome })));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: app, env: { PATH: process.env.PATH ?? '' } }).toString();
    const { atStart, afterUsers, outcome } = JSON.parse(out.slice(out.lastIndexOf('{"atStart"')));
    expect(atStart).to.deep.equal([]);
    expect(afterUsers).to.deep.equal(['functions/users.js']);
    expect(outcome).to.match(/app setting \w+ is not set/);
  });

  it('takes the users authLevel from the USERS_AUTH_LEVEL app setting, and refuses to start on a wrong one', async () => {
    const { app, core } = await unzip();
    const authLevel = (env: Record<string, string>) => {
      const script = `require(${JSON.stringify(join(app, 'main.js'))});
        const users = require(${JSON.stringify(core)}).registered.find((f) => f.name === 'users');
        process.stdout.write(Object.values(users.bindings).find((b) => b.direction === 'in').authLevel);`;
      return execFileSync(process.execPath, ['-e', script], { cwd: app, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    };
    expect(authLevel({ [azureOptionalSettings.usersAuthLevel]: 'function' })).to.equal('function');
    expect(authLevel({ [azureOptionalSettings.usersAuthLevel]: '' })).to.equal('anonymous');
    expect(() => authLevel({ [azureOptionalSettings.usersAuthLevel]: 'funtcion' })).to.throw(/USERS_AUTH_LEVEL must be one of anonymous, function, admin/);
  });

  /**
   * The unzipped package and fresh containers and a users table on Azurite (started once), with the
   * app settings that name them; skips the test when Azurite is not installed.
   */
  async function packageOnAzurite(test: Mocha.Context) {
    azurite ??= await startAzurite();
    if (!azurite) {
      console.log('      skipped: Azurite is not installed (npm ci installs azurite@3.35.0)');
      test.skip();
    }
    const { app, core } = await unzip();
    const tag = randomUUID().slice(0, 8);
    const settings = {
      [env.storage.connectionString]: azurite.connectionString,
      [env.images.originalsContainer]: `originals-${tag}`,
      [env.images.compressedContainer]: `compressed-${tag}`,
      [env.images.deadLetterContainer]: `dead-letters-${tag}`,
      [env.users.usersTable]: `users${tag}`,
    };
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    for (const c of [`originals-${tag}`, `compressed-${tag}`]) await blobs.getContainerClient(c).create();
    await TableClient.fromConnectionString(azurite.connectionString, `users${tag}`, { allowInsecureConnection: true }).createTable();
    return { app, core, tag, settings, blobs };
  }

  it('runs the bundled images and users functions against Azurite in a fresh process', async function () {
    const { app, core, tag, settings, blobs } = await packageOnAzurite(this);
    const original = blobs.getContainerClient(`originals-${tag}`).getBlockBlobClient('cat.jpg');
    const put = await original.uploadData(imageFixture('jpeg-grayscale-hopper.jpg'));
    const event = {
      id: randomUUID(),
      subject: `/blobServices/default/containers/originals-${tag}/blobs/cat.jpg`,
      eventType: 'Microsoft.Storage.BlobCreated',
      eventTime: new Date().toISOString(),
      data: { api: 'PutBlob', url: original.url, eTag: put.etag },
    };
    // The handlers the worker would call, with a request shaped like the v4 HttpRequest.
    const script = `require(${JSON.stringify(join(app, 'main.js'))});
      const { handlers } = require(${JSON.stringify(core)});
      const ctx = { invocationId: 'package-test' };
      const request = { method: 'GET', url: 'http://localhost/users?limit=5', query: new URLSearchParams('limit=5'),
        headers: new Headers(), arrayBuffer: async () => new ArrayBuffer(0) };
      (async () => {
        const images = await handlers.images(${JSON.stringify(event)}, ctx);
        const users = await handlers.users(request, ctx);
        process.stdout.write(JSON.stringify({ images, users }));
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: app, env: { PATH: process.env.PATH ?? '', ...settings } }).toString();
    const { images, users } = JSON.parse(out.slice(out.lastIndexOf('{"images"')));
    expect(images).to.include({ outcome: 'compressed', outputKey: 'compressed/cat.jpg' });
    const copy = await blobs.getContainerClient(`compressed-${tag}`).getBlockBlobClient('compressed/cat.jpg').getProperties();
    expect(copy.contentType).to.equal('image/jpeg');
    expect(users.status).to.equal(200);
    expect(JSON.parse(users.body).users).to.deep.equal([]);
  });

  it('users: loads functions/sdk/storage-blob.js on the first image route only (Azurite)', async function () {
    const { app, core, tag, settings } = await packageOnAzurite(this);
    // users creates a user (Tables only), then user-images lists its images (Blob Storage).
    const script = `require(${JSON.stringify(join(app, 'main.js'))});
      const { handlers } = require(${JSON.stringify(core)});
      const loaded = () => Object.keys(require.cache).filter((f) => f.includes('/functions/')).map((f) => f.slice(f.lastIndexOf('/functions/') + 1)).sort();
      const ctx = { invocationId: 'package-test' };
      const request = (method, path, body) => ({ method, url: 'http://localhost' + path, query: new URLSearchParams(), params: {},
        headers: new Headers(body ? { 'content-type': 'application/json' } : {}), arrayBuffer: async () => new TextEncoder().encode(body ?? '').buffer });
      (async () => {
        const created = await handlers.users(request('POST', '/users', JSON.stringify({ name: 'Ada', email: 'ada-${tag}@example.com' })), ctx);
        const afterUsers = loaded();
        const id = JSON.parse(created.body).user_id;
        const images = await handlers['user-images'](request('GET', '/users/' + id + '/images'), ctx);
        process.stdout.write(JSON.stringify({ created: created.status, afterUsers, images: { status: images.status, body: images.body }, afterImages: loaded() }));
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: app, env: { PATH: process.env.PATH ?? '', ...settings } }).toString();
    const seen = JSON.parse(out.slice(out.lastIndexOf('{"created"')));
    expect(seen.created).to.equal(201);
    expect(seen.afterUsers, 'a users route').to.deep.equal(['functions/users.js']);
    expect(seen.images.status, seen.images.body).to.equal(200);
    expect(JSON.parse(seen.images.body)).to.deep.equal({ images: [], count: 0 });
    expect(seen.afterImages, 'an image route').to.deep.equal(['functions/sdk/storage-blob.js', 'functions/users.js']);
  });
});
