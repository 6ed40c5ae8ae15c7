/**
 * The One Deploy package zip (infra/azure/zip.ts): written by JSZip, readable by Info-ZIP's
 * `unzip -t` (a zip any standard reader, Kudu's included, extracts), deterministic, and free of
 * `zlib.crc32`, which Node lacks before 20.15 / 22.2 while `engines` allows 20.9
 * (https://nodejs.org/api/zlib.html#zlibcrc32data-value: "Added in: v22.2.0, v20.15.0").
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Module from 'node:module';
import JSZip from 'jszip';
import { zipEntries } from '../../../infra/azure/zip';
import { removeDir } from '../harness';

const entries = () => [
  { name: 'host.json', data: Buffer.from('{"version":"2.0"}') },
  { name: 'package.json', data: Buffer.from('{"main":"dist/index.js"}') },
  { name: 'dist/index.js', data: Buffer.from('exports.ok = true;\n'.repeat(100)) },
];

describe('infra: the One Deploy package zip', () => {
  it('zips on a Node without zlib.crc32 (Node 20.9-20.14)', async () => {
    // node:zlib's exports cannot be redefined: load zip.ts afresh with a zlib that lacks crc32.
    const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
    const original = loader._load;
    const zipModule = require.resolve('../../../infra/azure/zip');
    delete require.cache[zipModule];
    loader._load = function (request: string, ...rest: unknown[]) {
      const loaded = original.call(this, request, ...rest);
      return request === 'zlib' || request === 'node:zlib' ? { ...(loaded as object), crc32: undefined } : loaded;
    };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require(zipModule) as typeof import('../../../infra/azure/zip');
      const read = await JSZip.loadAsync(await fresh.zipEntries(entries()), { checkCRC32: true });
      expect(await read.file('dist/index.js')!.async('string')).to.equal('exports.ok = true;\n'.repeat(100));
    } finally {
      loader._load = original;
      delete require.cache[zipModule];
    }
  });

  it('writes files only, at the package root, deflated, with forward slashes', async () => {
    const read = await JSZip.loadAsync(await zipEntries(entries()));
    expect(Object.keys(read.files).sort()).to.deep.equal(['dist/index.js', 'host.json', 'package.json']);
    expect(Object.values(read.files).every((f) => !f.dir)).to.equal(true);
  });

  it('is a zip Info-ZIP tests and extracts without error', async function () {
    if (spawnSync('unzip', ['-v']).status !== 0) this.skip();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcf-zip-'));
    try {
      const file = path.join(dir, 'app.zip');
      writeFileSync(file, await zipEntries(entries()));
      const tested = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
      expect(tested.status, tested.stdout + tested.stderr).to.equal(0);
      expect(tested.stdout).to.match(/No errors detected/);
      const listed = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' });
      expect(listed.stdout.trim().split('\n').sort()).to.deep.equal(['dist/index.js', 'host.json', 'package.json']);
    } finally {
      removeDir(dir);
    }
  });

  it('gives the same bytes for the same files, whatever the time zone of the machine', async () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const a = await zipEntries(entries());
      process.env.TZ = 'Pacific/Auckland';
      const b = await zipEntries(entries());
      expect(a.equals(b)).to.equal(true);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('refuses a path that climbs out of the package', async () => {
    const error = await zipEntries([{ name: '../evil.js', data: Buffer.from('') }]).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/Refusing to zip "\.\.\/evil\.js"/);
  });
});
