/**
 * `npm run graph -- dev-gcp` prints the Google Cloud stack: every function, its parent component
 * and the inputs a reader checks first; without packages it names the command that builds them.
 */
import { expect } from 'chai';
import { allSpecs } from '../../../handlers/specs';
import { packageEntry } from '../../../infra/gcp/function';
import { graphCommand } from '../../../scripts/graph';
import { fakePackages, removeDir } from '../harness';

describe('infra: npm run graph -- dev-gcp', function () {
  this.timeout(90000);
  let packages: string;
  before(() => {
    packages = fakePackages('gcp', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  it('prints the functions, the push subscription and the buckets with their key inputs', async () => {
    const result = await graphCommand(['dev-gcp', '--config', `packagesDir=${packages}`]);
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    for (const name of ['images', 'users', 'orders']) {
      const row = lines.find((l) => new RegExp(`^gcp:cloudfunctionsv2/function:Function\\s+${name}-function\\s+${name}\\s`).test(l));
      expect(row, name).to.include(`name=mcf-dev-gcp-${name}`).and.include('location=europe-west1');
    }
    const push = lines.find((l) => /^gcp:pubsub\/subscription:Subscription\s+orders-pipeline-push\s+orders-pipeline\s/.test(l));
    expect(push).to.include('ackDeadlineSeconds=30').and.include('name=mcf-dev-gcp-orders-push');
    const originals = lines.find((l) => /^gcp:storage\/bucket:Bucket\s+uploads-originals\s/.test(l));
    expect(originals).to.include('publicAccessPrevention=enforced').and.include('uniformBucketLevelAccess=true');
    expect(lines.at(-1)).to.match(/^\d+ resources for stack dev-gcp \(offline/);
  });

  it('names npm run package when the GCP packages are missing', async () => {
    const result = await graphCommand(['dev-gcp', '--config', `packagesDir=${packages}/nowhere`]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('The gcp package of the images function is missing').and.include('npm run package');
  });
});
