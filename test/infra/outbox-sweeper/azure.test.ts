/**
 * The outbox sweeper on the Azure dev stack under mocks: the app setting that schedules the timer
 * trigger (adapters/azure/outbox-sweep.ts), and no permission added for it.
 */
import { expect } from 'chai';
import { sweepSchedule } from '../../../infra/azure/outbox-sweeper';
import { removeDir, Resources, runWith, type RecordedResource } from '../harness';
import { fakeAppPackage, T } from '../azure/azure-support';

function settingsOf(app: RecordedResource): Record<string, unknown> {
  const list = (app.inputs.siteConfig as { appSettings: { name: string; value: unknown }[] }).appSettings;
  return Object.fromEntries(list.map((s) => [s.name, s.value]));
}

describe('infra: the Azure outbox sweeper under mocks', function () {
  this.timeout(120_000);
  let packages: string;
  before(() => {
    packages = fakeAppPackage();
  });
  after(() => removeDir(packages));

  it('schedules the timer every outboxSweepMinutes with a six-field NCRONTAB expression, granting nothing new', async () => {
    const five = new Resources((await runWith('dev-azure', packages)).resources);
    expect(settingsOf(five.get(T.app, 'functions-app')).ORDERS_SWEEP_SCHEDULE).to.equal('0 */5 * * * *');
    const one = new Resources((await runWith('dev-azure', packages, { overrides: { outboxSweepMinutes: 1 } })).resources);
    expect(settingsOf(one.get(T.app, 'functions-app')).ORDERS_SWEEP_SCHEDULE).to.equal('0 * * * * *');
    // the timer runs in the app with the identity's existing roles: least privilege adds none
    const roles = (r: Resources) => r.ofType(T.roleAssignment).map((a) => a.name).filter((n) => n.startsWith('app-')).sort();
    expect(roles(five)).to.deep.equal(['app-blobs', 'app-order-events', 'app-queues', 'app-signs-uploads', 'app-tables', 'app-telemetry']);
    for (const m of [2, 5, 15, 60]) expect(sweepSchedule(m).split(' ')).to.have.length(6);
  });
});
