import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPackages, packageSize } from '../../bench/cold-start';

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
