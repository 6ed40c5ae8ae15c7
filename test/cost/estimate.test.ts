/**
 * The cost arithmetic on cases computed by hand (the expected figures are written out, not
 * derived from the pricing table), including free tiers, arm64 against x86 and warm instances.
 */
import { expect } from 'chai';
import { estimate, type Estimate } from '../../cost/estimate';
import { planFromConfig, type CostPlan } from '../../cost/plan';
import type { Workload } from '../../cost/workload';
import { awsPrices, azurePrices, gcpPrices, type Price } from '../../cost/pricing';

const quiet: Workload = { requests: 0, avgMs: 100, images: 0, orders: 0 };

function plan(cloud: string, extra: Record<string, unknown> = {}): CostPlan {
  const config: Record<string, string> = { 'p:cloud': cloud };
  for (const [key, value] of Object.entries(extra)) config[`p:${key}`] = typeof value === 'string' ? value : JSON.stringify(value);
  return planFromConfig('test', config, 'p');
}

const line = (e: Estimate, item: string) => {
  const found = e.lines.find((l) => l.item === item);
  if (!found) throw new Error(`no line ${item}: ${e.lines.map((l) => l.item).join(', ')}`);
  return found;
};

describe('cost: AWS', () => {
  it('1 M users requests at 100 ms on 256 MB stay inside the Lambda free tier; API Gateway has none', () => {
    const e = estimate(plan('aws'), { ...quiet, requests: 1_000_000 });
    expect(line(e, 'requests')).to.include({ quantity: 1_000_000, free: 1_000_000, usd: 0 });
    // 1,000,000 x 0.1 s x 0.25 GB = 25,000 GB-s, all free.
    expect(line(e, 'duration (arm64)')).to.include({ quantity: 25_000, free: 25_000, usd: 0 });
    expect(line(e, 'HTTP API requests').usd).to.be.closeTo(1.0, 1e-9);
    expect(e.total).to.be.closeTo(1.0, 1e-9);
  });

  it('beyond the free tier arm64 costs 0.0000133334 per GB-s, x86 0.0000166667', () => {
    const workload = { ...quiet, requests: 10_000_000, avgMs: 1000 };
    const arm = plan('aws', { functions: { users: { memoryMb: 1024 } } });
    const e = estimate(arm, workload);
    // 10,000,000 GB-s less 400,000 free = 9,600,000 GB-s.
    expect(line(e, 'duration (arm64)').usd).to.be.closeTo(128.00064, 1e-6);
    // 9,000,000 billable requests x $0.20 per million.
    expect(line(e, 'requests').usd).to.be.closeTo(1.8, 1e-9);
    expect(e.total).to.be.closeTo(128.00064 + 1.8 + 10, 1e-6);
    const x86 = estimate({ ...arm, architecture: 'x86_64' }, workload);
    expect(line(x86, 'duration (x86_64)').usd).to.be.closeTo(160.00032, 1e-6);
  });

  it('provisioned concurrency: 730 hours of the configured GB-s, its own duration price, no free tier', () => {
    const e = estimate(plan('aws', { functions: { users: { warmInstances: 1 } } }), { ...quiet, requests: 1_000_000 });
    // 1 x 0.25 GB x 2,628,000 s = 657,000 GB-s x 0.0000033334.
    expect(line(e, 'provisioned concurrency').usd).to.be.closeTo(2.1900438, 1e-7);
    expect(line(e, 'requests (provisioned)')).to.include({ free: 0 });
    expect(line(e, 'requests (provisioned)').usd).to.be.closeTo(0.2, 1e-9);
    // 25,000 GB-s x 0.0000077778.
    expect(line(e, 'duration (provisioned)').usd).to.be.closeTo(0.194445, 1e-7);
    expect(line(e, 'requests')).to.include({ quantity: 0 });
    expect(e.total).to.be.closeTo(2.1900438 + 0.2 + 0.194445 + 1.0, 1e-6);
  });

  it('orders: 4 SQS requests and 1 SNS publish each, free tiers of 1 M each', () => {
    const e = estimate(plan('aws'), { ...quiet, orders: 1_000_000 });
    expect(line(e, 'requests').usd).to.equal(0);
    // 4,000,000 - 1,000,000 free = 3,000,000 x $0.40 per million.
    expect(e.lines.find((l) => l.service === 'SQS')!.usd).to.be.closeTo(1.2, 1e-9);
    expect(e.lines.find((l) => l.service === 'SNS')).to.include({ quantity: 1_000_000, free: 1_000_000, usd: 0 });
    expect(e.total).to.be.closeTo(1.2, 1e-9);
  });

  it('images: originals kept originalsExpireDays plus compressed copies, two PUTs and one GET each', () => {
    const e = estimate(plan('aws'), { ...quiet, images: 10_000 });
    // 10,000 x (2 MB + 0.15 MB) / 1024 = 20.99609375 GB x $0.023.
    expect(line(e, 'storage').usd).to.be.closeTo(0.48291015625, 1e-9);
    expect(line(e, 'PUT requests').usd).to.be.closeTo(0.1, 1e-9);
    expect(line(e, 'GET requests').usd).to.be.closeTo(0.004, 1e-9);
    const week = estimate(plan('aws', { originalsExpireDays: 7 }), { ...quiet, images: 10_000 });
    // 10,000 x (2 MB x 7/30 + 0.15 MB) / 1024 GB x $0.023.
    expect(line(week, 'storage').usd).to.be.closeTo(((10_000 * (2 * 7 / 30 + 0.15)) / 1024) * 0.023, 1e-9);
  });
});

describe('cost: Azure Flex Consumption', () => {
  it('bills the app instance memory per execution, less 100,000 GB-s and 250,000 executions', () => {
    const e = estimate(plan('azure', { instanceMemoryMb: 2048 }), { ...quiet, requests: 1_000_000 });
    // 1,000,000 x 0.1 s x 2 GB = 200,000 GB-s - 100,000 = 100,000 x $0.000026.
    expect(line(e, 'execution time (2048 MB instances)').usd).to.be.closeTo(2.6, 1e-9);
    // 750,000 x $0.40 per million.
    expect(line(e, 'executions').usd).to.be.closeTo(0.3, 1e-9);
    expect(e.total).to.be.closeTo(2.9, 1e-9);
  });

  it('sizes the instances from the largest function when the stack does not: 1024 MB images -> 2048 MB', () => {
    expect(plan('azure').azureInstanceMemoryMb).to.equal(2048);
    // Never 512 MB, documented but reported refused (infra/azure/options.ts): the program would not deploy it.
    expect(plan('azure', { functions: { images: { memoryMb: 512 } } }).azureInstanceMemoryMb).to.equal(2048);
  });

  it('always ready: a baseline for 730 hours and no free grants', () => {
    const e = estimate(plan('azure', { instanceMemoryMb: 2048, functions: { users: { warmInstances: 1 } } }), { ...quiet, requests: 1_000_000 });
    // 2 GB x 2,628,000 s = 5,256,000 GB-s x $0.000004.
    expect(line(e, 'always-ready baseline').usd).to.be.closeTo(21.024, 1e-9);
    expect(line(e, 'executions (always ready)').usd).to.be.closeTo(0.4, 1e-9);
    // 200,000 GB-s x $0.000016.
    expect(line(e, 'execution time (always ready)').usd).to.be.closeTo(3.2, 1e-9);
    expect(e.total).to.be.closeTo(24.624, 1e-9);
  });
});

describe('cost: Google Cloud Run functions', () => {
  it('2 M requests, 180,000 vCPU-s and 360,000 GiB-s free; 256 MB gets 0.167 vCPU', () => {
    const e = estimate(plan('gcp'), { ...quiet, requests: 4_000_000 });
    // 4,000,000 - 2,000,000 = 2,000,000 x $0.40 per million.
    expect(line(e, 'requests').usd).to.be.closeTo(0.8, 1e-9);
    // 4,000,000 x 0.1 s x 0.167 = 66,800 vCPU-s; x 0.25 GiB = 100,000 GiB-s: both free.
    expect(line(e, 'CPU')).to.include({ free: line(e, 'CPU').quantity, usd: 0 });
    expect(line(e, 'CPU').quantity).to.be.closeTo(66_800, 1e-6);
    expect(line(e, 'memory')).to.include({ quantity: 100_000, usd: 0 });
    expect(e.total).to.be.closeTo(0.8, 1e-9);
  });

  it('a min instance is billed idle all month', () => {
    const e = estimate(plan('gcp', { functions: { users: { warmInstances: 1 } } }), quiet);
    // 0.167 vCPU x 2,628,000 s x $0.0000025; 0.25 GiB x 2,628,000 s x $0.0000025.
    expect(line(e, 'min instances CPU (idle)').usd).to.be.closeTo(1.09719, 1e-6);
    expect(line(e, 'min instances memory (idle)').usd).to.be.closeTo(1.6425, 1e-9);
  });

  it('Pub/Sub: 1,000 bytes at least per message, 10 GiB free', () => {
    expect(estimate(plan('gcp'), { ...quiet, orders: 1_000_000 }).lines.find((l) => l.service === 'Pub/Sub')!.usd).to.equal(0);
    // 10,000,000 orders x 4 messages x 1,000 B = 40e9 B = 0.0363797881 TiB - 10 GiB (0.009765625 TiB) = 0.0266141631 TiB x $40.
    const e = estimate(plan('gcp'), { ...quiet, orders: 10_000_000 });
    expect(e.lines.find((l) => l.service === 'Pub/Sub')!.usd).to.be.closeTo(1.064566, 1e-6);
  });
});

describe('cost: the pricing table', () => {
  it('names for every price the public page it comes from and the date it was recorded', () => {
    for (const [cloud, table] of Object.entries({ awsPrices, azurePrices, gcpPrices })) {
      for (const [name, price] of Object.entries(table as Record<string, Price>)) {
        expect(price.source, `${cloud}.${name}`).to.match(/^https:\/\/(aws\.amazon\.com|azure\.microsoft\.com|cloud\.google\.com)\//);
        expect(price.recorded, `${cloud}.${name}`).to.match(/^\d{4}-\d{2}-\d{2}$/);
        expect(price.usd, `${cloud}.${name}`).to.be.greaterThan(0);
      }
    }
  });
});
