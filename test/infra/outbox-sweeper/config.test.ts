/**
 * `outboxSweepMinutes`: declared in Pulumi.yaml WITH a default (the Pulumi CLI refuses a stack
 * that lacks a key declared without one: pulumi/pulumi sdk/go/common/workspace/config.go), read
 * as 1-60 minutes, and a value outside that range is refused before anything is created.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageEntry } from '../../../infra/aws/function';
import { projectRoot } from '../../../infra/packages';
import { allSpecs } from '../../../handlers/specs';
import { fakePackages, removeDir, runError } from '../harness';

describe('infra: outboxSweepMinutes', function () {
  this.timeout(60_000);
  let packages: string;
  before(() => {
    packages = fakePackages('aws', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  it('is declared in Pulumi.yaml as an integer with a default of 5, so no stack file must set it', () => {
    const project = parse(readFileSync(join(projectRoot, 'Pulumi.yaml'), 'utf8')) as { config: Record<string, { type: string; default?: unknown }> };
    expect(project.config.outboxSweepMinutes).to.include({ type: 'integer', default: 5 });
  });

  for (const bad of [0, 61]) {
    it(`refuses ${bad}, naming the key and the range`, async () => {
      const err = await runError('dev', packages, { overrides: { outboxSweepMinutes: bad } });
      expect(err.message).to.match(/outboxSweepMinutes/).and.to.match(/1 to 60/);
    });
  }
});
