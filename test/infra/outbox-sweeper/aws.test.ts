/**
 * The outbox sweeper on the AWS dev stack under mocks: an EventBridge Scheduler schedule that
 * invokes the orders function with the sweep request, and an execution role that may invoke that
 * function and nothing else, assumable only by schedules of this account.
 */
import { expect } from 'chai';
import { rateExpression } from '../../../infra/aws/outbox-sweeper';
import { packageEntry } from '../../../infra/aws/function';
import { allSpecs } from '../../../handlers/specs';
import { fakePackages, removeDir, Resources, runWith } from '../harness';

const account = '123456789012';
const region = 'eu-west-1';

describe('infra: the AWS outbox sweeper under mocks', function () {
  this.timeout(60_000);
  let packages: string;
  before(() => {
    packages = fakePackages('aws', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  it('invokes the orders function every outboxSweepMinutes (5 by default) with the sweep request, on time', async () => {
    const r = new Resources((await runWith('dev', packages)).resources);
    const schedule = r.get('aws:scheduler/schedule:Schedule', 'outbox-sweeper-schedule');
    expect(schedule.inputs).to.deep.include({ name: 'mcf-dev-outbox-sweep', scheduleExpression: 'rate(5 minutes)', flexibleTimeWindow: { mode: 'OFF' } });
    const target = schedule.inputs.target as Record<string, unknown>;
    expect(target.arn).to.equal(`arn:aws:lambda:${region}:${account}:function:mcf-dev-orders`);
    expect(JSON.parse(target.input as string)).to.deep.equal({ sweep: 'outbox' });
    expect(target.retryPolicy).to.deep.equal({ maximumRetryAttempts: 2, maximumEventAgeInSeconds: 300 });
    const role = r.get('aws:iam/role:Role', 'outbox-sweeper-role');
    expect(target.roleArn).to.equal(`arn:aws:iam::${account}:role/mcf-dev-outbox-sweep-role`);
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement).to.deep.equal([
      { Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': account } } },
    ]);
    const policy = JSON.parse(r.get('aws:iam/rolePolicy:RolePolicy', 'outbox-sweeper-policy').inputs.policy as string);
    expect(policy.Statement).to.deep.equal([
      { Sid: 'InvokeOrders', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [`arn:aws:lambda:${region}:${account}:function:mcf-dev-orders`] },
    ]);
    expect(r.dependenciesOf(schedule).map((d) => d.name)).to.include('outbox-sweeper-policy');
  });

  it('takes the interval from the stack: rate(1 minute) is singular, as EventBridge Scheduler requires', async () => {
    const r = new Resources((await runWith('dev', packages, { overrides: { outboxSweepMinutes: 1 } })).resources);
    expect(r.get('aws:scheduler/schedule:Schedule', 'outbox-sweeper-schedule').inputs.scheduleExpression).to.equal('rate(1 minute)');
    expect(rateExpression(60)).to.equal('rate(60 minutes)');
  });
});
