import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonLines, run } from '../../bench/children';
import { CHILD, coldStartBenchmark, findPackages, packageSize } from '../../bench/cold-start';
import { RUN_TOKEN } from '../../bench/cold-start-answers';

describe('bench cold start: finding and sizing packages', () => {
  let dist: string;
  const file = (path: string, bytes: number) => {
    mkdirSync(join(dist, path, '..'), { recursive: true });
    writeFileSync(join(dist, path), Buffer.alloc(bytes));
  };

  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'bench-dist-'));
  });
  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  it('finds one package per function folder by index.js, main.js or package.json main, never inside node_modules', () => {
    file('aws/users/index.js', 10);
    file('azure/app/main.js', 10);
    file('gcp/orders/package.json', 0);
    writeFileSync(join(dist, 'gcp/orders/package.json'), JSON.stringify({ main: 'build/entry.js' }));
    file('gcp/orders/build/entry.js', 10);
    file('aws/images/index.js', 10);
    file('aws/images/node_modules/sharp/index.js', 10);
    file('notes/readme.txt', 10);
    expect(findPackages(dist).map((p) => [p.name, p.entry.slice(dist.length + 1)])).to.deep.equal([
      ['aws/images', 'aws/images/index.js'],
      ['aws/users', 'aws/users/index.js'],
      ['azure/app', 'azure/app/main.js'],
      ['gcp/orders', 'gcp/orders/build/entry.js'],
    ]);
  });

  it('refuses a cloud it does not know before building anything (npm run bench:cold-start -- aws)', async () => {
    let failure: unknown;
    await coldStartBenchmark(['aws', 'openstack']).catch((err: unknown) => (failure = err));
    expect(String(failure)).to.match(/unknown cloud openstack; known: aws, azure, gcp/);
  });

  it('finds nothing in a missing dist/', () => {
    expect(findPackages(join(dist, 'absent'))).to.deep.equal([]);
  });

  it('counts every file of a package, node_modules included, with source maps apart', () => {
    file('aws/images/index.js', 1000);
    file('aws/images/index.js.map', 5000);
    file('aws/images/node_modules/sharp/lib/sharp.node', 2000);
    expect(packageSize(join(dist, 'aws/images'))).to.deep.equal({ code: 3000, maps: 5000 });
  });
});

describe('bench cold start: the child process', () => {
  let dir: string;
  let server: Server;
  let port: number;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-child-'));
    server = createServer((_req, res) => setTimeout(() => res.end('pong'), 20));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // A handler that asks a peer (this test's server) and answers with what it said.
    writeFileSync(
      join(dir, 'index.js'),
      `exports.handler = (event) => new Promise((resolve, reject) => require('node:http').get('http://127.0.0.1:${port}/' + event.id, (res) => {
        let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => resolve({ id: event.id, body }));
      }).on('error', reject));\n`,
    );
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  });

  const child = async (call?: unknown) => {
    const r = await run(process.execPath, ['-e', CHILD, join(dir, 'index.js'), ...(call ? [JSON.stringify(call)] : [])]);
    return jsonLines<{ bench: string; ready: number; request?: number; answered?: number; answer?: string; error?: string }>(r.stdout).find((l) => l.bench === 'cold-start')!;
  };

  it('reports the load alone when there is no call', async () => {
    const out = await child();
    expect(out.ready).to.be.a('number');
    expect(out).to.not.have.property('request');
    expect(out).to.not.have.property('answered');
  });

  it('times the first request to a peer before the answer, and gives each run its own token', async () => {
    const out = await child({ kind: 'export', export: 'handler', event: { id: `order-${RUN_TOKEN}` }, context: {} });
    expect(out.error).to.equal(undefined);
    expect(out.request).to.be.greaterThan(out.ready);
    expect(out.answered).to.be.greaterThan(out.request! + 15);
    const answer = JSON.parse(out.answer!) as { id: string; body: string };
    expect(answer.body).to.equal('pong');
    expect(answer.id).to.match(/^order-\d+-[a-z0-9]+$/);
  });

  it('stops at the first request when asked to (the init-only variants)', async () => {
    const out = await child({ kind: 'export', export: 'handler', event: { id: 'x' }, context: {}, exitOnRequest: true });
    expect(out.request).to.be.a('number');
    expect(out).to.not.have.property('answered');
  });
});
