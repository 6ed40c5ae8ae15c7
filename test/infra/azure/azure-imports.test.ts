/**
 * infra/azure imports @pulumi/azure-native by submodule only, as infra/gcp does @pulumi/gcp
 * (test/infra/gcp/gcp-options.test.ts): the top-level module loads every Azure resource provider's
 * types, thousands of files, and makes tsc and each offline stack run much slower.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../../infra/packages';

const dir = path.join(projectRoot, 'infra', 'azure');

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const full = path.join(folder, entry);
    if (statSync(full).isDirectory()) return sources(full);
    return entry.endsWith('.ts') ? [full] : [];
  });
}

/** The @pulumi/azure-native modules a source names: `from '...'`, `import('...')`, `require('...')`. */
function azureNativeModules(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)['"](@pulumi\/azure-native[^'"]*)['"]/g)].map((m) => m[1]);
}

const submodule = /^@pulumi\/azure-native\/[a-z0-9]+(\/[a-z0-9]+)*$/;

describe('infra: the Azure program imports', () => {
  it('imports @pulumi/azure-native by submodule only (the top-level module makes tsc several times slower)', () => {
    const imports = sources(dir).flatMap((file) => azureNativeModules(readFileSync(file, 'utf8')).map((m) => ({ file: path.relative(dir, file), module: m })));
    expect(imports.length).to.be.greaterThan(5);
    for (const { file, module } of imports) expect(module, file).to.match(submodule);
  });

  it('finds a top-level import in any of its forms, and refuses it', () => {
    const found = azureNativeModules([
      "import * as azure from '@pulumi/azure-native';",
      'const web = require("@pulumi/azure-native/web");',
      "const lazy = await import('@pulumi/azure-native');",
    ].join('\n'));
    expect(found).to.deep.equal(['@pulumi/azure-native', '@pulumi/azure-native/web', '@pulumi/azure-native']);
    expect(found.map((m) => submodule.test(m))).to.deep.equal([false, true, false]);
  });
});
