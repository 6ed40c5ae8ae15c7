/**
 * The images package carries sharp's native code for Lambda's arm64 (Graviton) Node runtime,
 * not this machine's: every native file in it is an ELF object for AArch64. It cannot be loaded
 * here (x64), so what it requires is checked against what it carries instead.
 */
import { expect } from 'chai';
import { mkdtempSync, openSync, readSync, closeSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageAws } from '../../../scripts/package/aws';
import { bundleRequires } from '../../../scripts/package/externals';
import type { PackageReport } from '../../../scripts/package/report';

/** ELF e_machine (bytes 18-19, little-endian): 183 is AArch64, 62 is x86-64. */
function elfMachine(file: string): number {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  expect(header.subarray(0, 4).toString('latin1'), file).to.equal('\x7fELF');
  return header.readUInt16LE(18);
}

function nativeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && (/\.node$/.test(e.name) || /\.so(\.\d+)*$/.test(e.name)))
    .map((e) => join(e.parentPath, e.name));
}

describe('aws packages: images with sharp for linux-arm64', function () {
  this.timeout(120_000);
  let out: string;
  let report: PackageReport;
  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'aws-images-'));
    [report] = await packageAws({ outDir: out, functions: ['images'] });
  });
  after(() => out && rmSync(out, { recursive: true, force: true }));

  it('has the bundle, sharp, and only AArch64 native code', () => {
    const dir = join(out, 'aws', 'images');
    expect(existsSync(join(dir, 'index.js'))).to.equal(true);
    expect(existsSync(join(dir, 'node_modules', 'sharp', 'package.json'))).to.equal(true);
    const natives = nativeFiles(join(dir, 'node_modules'));
    expect(natives.some((f) => f.endsWith('.node')), 'the sharp addon').to.equal(true);
    expect(natives.some((f) => f.includes('libvips')), 'libvips').to.equal(true);
    for (const file of natives) expect(elfMachine(file), file).to.equal(183);
  });

  it('requires at run time only sharp, which the package declares and carries', async () => {
    const dir = join(out, 'aws', 'images');
    const required = await bundleRequires(join(dir, 'index.js'));
    expect(required, 'the shipped bundle').to.deep.equal(['sharp']);
    expect(report.externals, "esbuild's view").to.deep.equal(required);
    const declared = Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies);
    for (const name of required) {
      expect(declared, 'package.json').to.include(name);
      expect(existsSync(join(dir, 'node_modules', name, 'package.json')), `node_modules/${name}`).to.equal(true);
    }
  });
});
