/**
 * `npm run graph -- <stack>`: the offline resource graph, for the AWS dev stack: once as a user runs it
 * (a child process through tsx), then in-process for the other cases.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { allSpecs } from '../../handlers/specs';
import { packageEntry } from '../../infra/aws/function';
import { projectRoot } from '../../infra/packages';
import { graphCommand } from '../../scripts/graph';
import { fakePackages, removeDir, runWith } from './harness';

const run = promisify(execFile);
const graph = (...args: string[]) => run(process.execPath, ['--require', 'tsx/cjs', 'scripts/graph.ts', ...args], { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 });

interface Row { type: string; name: string; parent: string; dependsOn: string[]; inputs: Record<string, unknown> }

describe('infra: npm run graph', function () {
  this.timeout(90000);
  let packages: string;
  before(() => {
    packages = fakePackages('aws', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  it('--json lists every resource the program registers, with parents, dependencies and inputs', async () => {
    const { stdout } = await graph('dev', '--json', '--config', `packagesDir=${packages}`);
    const out = JSON.parse(stdout) as { stack: string; resources: Row[]; outputs: Record<string, unknown> };
    const direct = await runWith('dev', packages);
    expect(out.stack).to.equal('dev');
    expect(out.resources.map((r) => `${r.type} ${r.name}`)).to.have.members(direct.resources.filter((r) => r.type !== 'pulumi:pulumi:Stack').map((r) => `${r.type} ${r.name}`));
    const notification = out.resources.find((r) => r.type === 'aws:s3/bucketNotification:BucketNotification')!;
    expect(notification).to.include({ name: 'uploads-originals-created', parent: 'uploads' });
    expect(notification.dependsOn).to.include('uploads-invoke');
    const fn = out.resources.find((r) => r.name === 'orders-function')!;
    expect(fn.parent).to.equal('orders');
    expect(fn.inputs).to.include({ runtime: 'nodejs22.x', memorySize: 256 });
    expect(fn.inputs.code).to.deep.equal({ archive: '(package directory)' });
    expect(out.outputs.functionNames).to.deep.equal({ images: 'mcf-dev-images', users: 'mcf-dev-users', orders: 'mcf-dev-orders' });
  });

  it('prints a table of type, name, parent and key inputs', async () => {
    const result = await graphCommand(['dev', '--config', `packagesDir=${packages}`]);
    expect(result.code).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^TYPE\s+NAME\s+PARENT\s+KEY INPUTS$/);
    const row = lines.find((l) => /^aws:sqs\/queue:Queue\s+orders-pipeline-orders\s+orders-pipeline\s/.test(l));
    expect(row).to.include('visibilityTimeoutSeconds=180').and.include('name=mcf-dev-orders-queue');
    expect(lines.at(-1)).to.match(/^\d+ resources for stack dev \(offline/);
  });

  it('fails with the config error alone, and lists the stacks when none is given', async () => {
    const failure = await graphCommand(['dev', '--config', `packagesDir=${packages}`, '--config', 'cloud=oracle']);
    expect(failure.code).to.equal(1);
    expect(failure.stderr).to.include('Config "multicloud-functions:cloud" is "oracle"').and.not.include('    at ');
    const usage = await graphCommand([]);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.include('stacks: ').and.include('dev');
  });
});
