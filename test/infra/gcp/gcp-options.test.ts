/**
 * The Google Cloud stack's choices that depend on config or on the package: who may call the
 * users function, how service account ids fit IAM's 30 characters, the ack deadline, and a
 * changed package getting a new source object (the only way Cloud Functions rebuilds).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { allSpecs } from '../../../handlers/specs';
import { packageEntry, sourceObjectName } from '../../../infra/gcp/function';
import { accountId } from '../../../infra/gcp/iam';
import { ackDeadlineFor } from '../../../infra/gcp/orders-pipeline';
import { projectRoot, readPackage } from '../../../infra/packages';
import { fakePackages, removeDir, Resources, runWith, writePackage } from '../harness';
import { T, bindingsOf, describeBinding } from './gcp-resources';

describe('infra: Google Cloud stack options', function () {
  this.timeout(90000);
  let packages: string;
  before(() => {
    packages = fakePackages('gcp', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  const invokerBindings = async (overrides: Record<string, unknown>) => {
    const r = new Resources((await runWith('dev-gcp', packages, { overrides })).resources);
    return bindingsOf(r).filter((b) => b.parent === r.get('multicloud:gcp:UsersApi', 'users-api').urn).map(describeBinding);
  };

  it('grants run.invoker on the users function to the listed principals only, and to allUsers only when public', async () => {
    const service = 'service:europe-west1/mcf-dev-gcp-users';
    expect(await invokerBindings({ usersInvokers: ['user:ana@example.com', 'group:ops@example.com'] })).to.have.members([
      `user:ana@example.com roles/run.invoker ${service}`,
      `group:ops@example.com roles/run.invoker ${service}`,
    ]);
    expect(await invokerBindings({ usersPublic: true })).to.deep.equal([`allUsers roles/run.invoker ${service}`]);
  });

  it('gives a changed package a new source object and an unchanged one the same', () => {
    const before = sourceObjectName(readPackage(packages, 'gcp', 'users', packageEntry));
    expect(sourceObjectName(readPackage(packages, 'gcp', 'users', packageEntry))).to.equal(before);
    writePackage(packages, 'gcp', 'users', 'index.js', 'exports.users = 2;\n');
    const after = sourceObjectName(readPackage(packages, 'gcp', 'users', packageEntry));
    expect(after).to.match(/^users-[0-9a-f]{64}\.zip$/);
    expect(after).to.not.equal(before);
  });

  it('deploys the new source object when a package changes', async () => {
    writePackage(packages, 'gcp', 'orders', 'index.js', 'exports.orders = 3;\n');
    const r = new Resources((await runWith('dev-gcp', packages)).resources);
    const expected = sourceObjectName(readPackage(packages, 'gcp', 'orders', packageEntry));
    const build = r.get(T.fn, 'orders-function').inputs.buildConfig as { source: { storageSource: { object: string } } };
    expect(build.source.storageSource.object).to.equal(expected);
  });

  it('fits service account ids in 6-30 characters and keeps two long prefixes apart', () => {
    expect(accountId('mcf-dev', 'images')).to.equal('mcf-dev-images');
    const a = accountId('mcf-a-very-long-prefix-for-stack1', 'upload-trigger');
    const b = accountId('mcf-a-very-long-prefix-for-stack2', 'upload-trigger');
    for (const id of [a, b]) expect(id).to.match(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/).and.have.length.at.most(30);
    expect(a).to.not.equal(b);
  });

  it('imports @pulumi/gcp by submodule only (the top-level module makes tsc several times slower)', () => {
    const dir = path.join(projectRoot, 'infra', 'gcp');
    const imports = readdirSync(dir).flatMap((file) => [...readFileSync(path.join(dir, file), 'utf8').matchAll(/from '(@pulumi\/gcp[^']*)'/g)].map((m) => `${file}: ${m[1]}`));
    expect(imports.length).to.be.greaterThan(5);
    for (const line of imports) expect(line).to.match(/: @pulumi\/gcp\/[a-z0-9]+/);
  });

  it('sets the ack deadline to cover the orders timeout, within Pub/Sub\'s 10-600 s', () => {
    expect(ackDeadlineFor(30)).to.equal(30);
    expect(ackDeadlineFor(3)).to.equal(10);
    expect(ackDeadlineFor(600)).to.equal(600);
  });
});
