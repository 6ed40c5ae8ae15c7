/**
 * Packages: the content hash that decides whether a function redeploys, and its use by the program.
 */
import { expect } from 'chai';
import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { allSpecs } from '../../handlers/specs';
import { packageEntry } from '../../infra/aws/function';
import { hashDirectory, readPackage } from '../../infra/packages';
import { fakePackages, removeDir, runWith, writePackage } from './harness';

describe('infra: function packages', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = fakePackages('aws', allSpecs.map((s) => s.name), packageEntry);
  });
  afterEach(() => removeDir(dir));

  it('hashes the same content the same way, and any change differently', () => {
    const fnDir = writePackage(dir, 'aws', 'users', packageEntry, 'exports.handler = 1;\n');
    writePackage(dir, 'aws', 'users/lib', 'util.js', 'module.exports = 2;\n');
    const first = hashDirectory(fnDir);
    expect(hashDirectory(fnDir)).to.equal(first);
    expect(first).to.match(/^[A-Za-z0-9+/]{43}=$/);
    writeFileSync(path.join(fnDir, 'lib', 'util.js'), 'module.exports = 3;\n');
    const changed = hashDirectory(fnDir);
    expect(changed).to.not.equal(first);
    renameSync(path.join(fnDir, 'lib', 'util.js'), path.join(fnDir, 'lib', 'other.js'));
    expect(hashDirectory(fnDir)).to.not.equal(changed);
  });

  it('refuses a package without its entry file, naming the command that builds it', () => {
    writePackage(dir, 'aws', 'orders', 'other.js', '');
    let error: unknown;
    try {
      readPackage(dir, 'aws', 'orders', 'missing.js');
    } catch (e) {
      error = e;
    }
    expect(pulumi.RunError.isInstance(error)).to.equal(true);
    expect((error as Error).message).to.include(path.join(dir, 'aws', 'orders', 'missing.js')).and.include('npm run package');
  });

  it('deploys each function from its package with the content hash as sourceCodeHash', async () => {
    const changed = writePackage(dir, 'aws', 'orders', packageEntry, 'exports.handler = async () => "v2";\n');
    const run = await runWith('dev', dir);
    for (const spec of allSpecs) {
      const fn = run.resources.find((r) => r.name === `${spec.name}-function`)!;
      expect(fn.inputs.sourceCodeHash, spec.name).to.equal(hashDirectory(path.join(dir, 'aws', spec.name)));
      const code = fn.inputs.code as { __pulumiArchive: boolean; path: Promise<string> };
      expect(code.__pulumiArchive).to.equal(true);
      expect(await code.path).to.equal(path.join(dir, 'aws', spec.name));
    }
    const images = run.resources.find((r) => r.name === 'images-function')!.inputs.sourceCodeHash;
    const orders = run.resources.find((r) => r.name === 'orders-function')!.inputs.sourceCodeHash;
    expect(orders).to.equal(hashDirectory(changed)).and.not.equal(images);
  });

  it('reads packages from a directory whose path has spaces', async () => {
    const spaced = path.join(dir, 'My Builds', 'dist 2');
    for (const spec of allSpecs) writePackage(spaced, 'aws', spec.name, packageEntry, `exports.handler = async () => ${JSON.stringify(spec.name)};\n`);
    const run = await runWith('dev', spaced);
    const code = run.resources.find((r) => r.name === 'users-function')!.inputs.code as { path: Promise<string> };
    expect(await code.path).to.equal(path.join(spaced, 'aws', 'users'));
  });
});
