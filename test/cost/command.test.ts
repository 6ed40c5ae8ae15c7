/** `npm run cost`: reads the stack's own config, prints a table per service and a total, and --compare. */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { estimate } from '../../cost/estimate';
import { awsArchitecture, planForStack } from '../../cost/plan';
import { architecture as deployedArchitecture } from '../../infra/aws/function';
import { defaultWorkload, parseCostArgs } from '../../cost/workload';
import { projectRoot } from '../../infra/packages';
import { costCommand } from '../../scripts/cost';

const run = promisify(execFile);

describe('cost: npm run cost', function () {
  this.timeout(60000);

  it('reads each stack file: its cloud, the specs\' memory, arm64 on AWS, the Azure app\'s 2048 MB instances', () => {
    const aws = planForStack('dev');
    expect(aws).to.include({ cloud: 'aws', architecture: 'arm64' });
    expect(aws.functions.images).to.deep.equal({ memoryMb: 1024, warmInstances: 0 });
    expect(planForStack('dev-azure')).to.include({ cloud: 'azure', azureInstanceMemoryMb: 2048 });
    expect(planForStack('dev-gcp').cloud).to.equal('gcp');
    // The estimate keeps its own copy to avoid loading @pulumi/aws: it must be what infra deploys.
    expect(awsArchitecture).to.equal(deployedArchitecture);
  });

  it('prints each service with a subtotal and the total, for the given workload', () => {
    const result = costCommand(['dev', '--requests', '2000000', '--orders', '0', '--images', '0', '--avg-ms', '50']);
    expect(result.code).to.equal(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).to.equal('Monthly estimate for stack dev on AWS (arm64)');
    expect(lines[1]).to.include('2,000,000 users API requests').and.include('50 ms per invocation');
    // 2,000,000 - 1,000,000 free = $0.20 of requests; API Gateway $2.00.
    expect(lines.find((l) => /^Lambda\s+requests\s/.test(l))).to.match(/2,000,000\s+requests\s+1,000,000\s+\$0\.20$/);
    expect(lines.find((l) => /API Gateway subtotal/.test(l))).to.match(/\$2\.00$/);
    expect(lines.find((l) => l.startsWith('TOTAL'))).to.match(/\$2\.20$/);
  });

  it('--compare prices the same plan and workload on the three clouds', () => {
    const result = costCommand(['dev-gcp', '--compare']);
    expect(result.code).to.equal(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).to.equal('The workload of stack dev-gcp on each cloud, a month');
    expect(lines[3]).to.match(/^\s+AWS\s+Azure\s+Google Cloud$/);
    const plan = planForStack('dev-gcp');
    const totals = (['aws', 'azure', 'gcp'] as const).map((c) => `$${estimate(plan, defaultWorkload, c).total.toFixed(2)}`);
    expect(lines.find((l) => l.startsWith('TOTAL'))!.split(/\s+/).slice(1)).to.deep.equal(totals);
    expect(lines.map((l) => l.split(/\s{2,}/)[0])).to.include.members(['functions', 'HTTP front door', 'queues and topics', 'object storage']);
  });

  it('refuses bad arguments with the usage, and names the stacks', () => {
    expect(costCommand([])).to.include({ code: 2 });
    expect(costCommand([]).stderr).to.include('stacks: ').and.include('dev-azure');
    const bad = costCommand(['dev', '--requests', 'many']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include('--requests takes a number of 0 or more, got "many"');
    expect(costCommand(['nope']).stderr).to.include('No stack file');
    expect(parseCostArgs(['dev', '--compare', '--images', '5'])).to.deep.equal({ stack: 'dev', compare: true, workload: { ...defaultWorkload, images: 5 } });
  });

  it('runs as users run it: npm run cost -- dev --compare', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'cost', '--', 'dev', '--compare'], { cwd: projectRoot });
    expect(stdout).to.match(/^The workload of stack dev on each cloud, a month/);
    expect(stdout).to.match(/\nTOTAL\s+\$\d+\.\d\d\s+\$\d+\.\d\d\s+\$\d+\.\d\d\n/);
  });
});
