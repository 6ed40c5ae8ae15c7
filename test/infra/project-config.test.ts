/**
 * Pulumi.yaml declares the project's config keys (type and description): `pulumi config` shows
 * them to users, and a stack file that sets a misspelt key would otherwise be silently ignored.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../support/fixtures';

interface Declared {
  type?: string;
  default?: unknown;
  items?: { type?: string };
}

const project = parse(readFileSync(join(repoRoot, 'Pulumi.yaml'), 'utf8')) as { name: string; config: Record<string, Declared> };
const stackFiles = readdirSync(repoRoot).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
/** Structured keys (`pulumi config set --path functions.users.warmInstances 1`): Pulumi.yaml has no object type. */
const structured = new Set(['functions']);

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

describe('project config declarations (Pulumi.yaml)', () => {
  it('has one stack file per cloud', () => {
    const clouds = stackFiles.map((f) => (parse(readFileSync(join(repoRoot, f), 'utf8')).config ?? {})[`${project.name}:cloud`]);
    expect([...new Set(clouds)].sort()).to.deep.equal(['aws', 'azure', 'gcp']);
  });

  for (const file of stackFiles) {
    it(`${file} sets only declared keys, with the declared types`, () => {
      const config = (parse(readFileSync(join(repoRoot, file), 'utf8')).config ?? {}) as Record<string, unknown>;
      for (const [full, value] of Object.entries(config)) {
        if (!full.startsWith(`${project.name}:`)) continue; // provider keys: aws:region, gcp:project ...
        const key = full.slice(project.name.length + 1);
        if (structured.has(key.split('.')[0])) continue;
        const declared = project.config[key];
        expect(declared, `${file}: ${key} is not declared in Pulumi.yaml`).to.not.equal(undefined);
        if (value !== null && typeof value === 'object' && 'secure' in (value as object)) continue;
        expect(typeOf(value), `${file}: ${key}`).to.equal(declared.type);
      }
    });
  }

  it('gives every default the declared type', () => {
    for (const [key, declared] of Object.entries(project.config)) {
      expect(declared.type, `${key} has a type`).to.be.oneOf(['string', 'integer', 'boolean', 'array']);
      if (declared.type === 'array') expect(declared.items?.type, `${key} items`).to.equal('string');
      if (declared.default !== undefined) expect(typeOf(declared.default), key).to.equal(declared.type);
    }
  });
});
