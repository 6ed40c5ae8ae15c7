/**
 * Where the Google Cloud outbox sweeper's Cloud Scheduler job lives. Cloud Scheduler serves fewer
 * regions than Cloud Run functions, and a job in a region it does not serve fails at `pulumi up`
 * while the preview passes (infra/gcp/scheduler-locations.ts, with its sources). The job takes
 * `schedulerRegion`, else the functions' region when Cloud Scheduler serves it; otherwise the
 * preview stops and names the key and nearby regions. The job calls the function in any region.
 */
import * as pulumi from '@pulumi/pulumi';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageEntry } from '../../../infra/gcp/function';
import { chooseSchedulerRegion, cloudSchedulerRegions, nearbySchedulerRegions } from '../../../infra/gcp/scheduler-locations';
import { projectRoot } from '../../../infra/packages';
import { allSpecs } from '../../../handlers/specs';
import { fakePackages, removeDir, Resources, runError, runWith } from '../harness';
import { T, bindingsOf, describeBinding } from '../gcp/gcp-resources';

const job = 'gcp:cloudscheduler/job:Job';
// A Cloud Run functions region (https://cloud.google.com/run/docs/locations, Tier 1) that the
// Cloud Scheduler list as read does not hold.
const runOnly = 'europe-west9';

describe('infra: the Google Cloud outbox sweeper\'s region (Cloud Scheduler locations)', function () {
  this.timeout(90_000);
  let packages: string;
  before(() => {
    packages = fakePackages('gcp', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  it('declares schedulerRegion in Pulumi.yaml with the default "" (the functions\' region), so no stack must set it', () => {
    const project = parse(readFileSync(join(projectRoot, 'Pulumi.yaml'), 'utf8')) as { config: Record<string, { type: string; default?: unknown }> };
    expect(project.config.schedulerRegion).to.include({ type: 'string', default: '' });
  });

  it('keeps one list of region ids, each once', () => {
    expect(cloudSchedulerRegions.length).to.be.greaterThan(20);
    expect(new Set(cloudSchedulerRegions).size).to.equal(cloudSchedulerRegions.length);
    for (const region of cloudSchedulerRegions) expect(region).to.match(/^[a-z]+-[a-z]+\d+$/);
    expect(cloudSchedulerRegions).to.not.include(runOnly);
  });

  it('chooses the functions\' region when Cloud Scheduler serves it, the stack\'s region when set, and refuses otherwise', () => {
    expect(chooseSchedulerRegion('europe-west1', undefined)).to.deep.equal({ region: 'europe-west1' });
    expect(chooseSchedulerRegion(runOnly, 'europe-west1')).to.deep.equal({ region: 'europe-west1' });
    const refused = chooseSchedulerRegion(runOnly, undefined);
    expect(refused.refusal).to.include('schedulerRegion').and.include(runOnly).and.include('europe-west1').and.include('gcloud scheduler locations list');
    // a region the stack sets itself is trusted, with a warning, when the list does not hold it
    const trusted = chooseSchedulerRegion('europe-west1', runOnly);
    expect(trusted.region).to.equal(runOnly);
    expect(trusted.refusal).to.equal(undefined);
    expect(trusted.warning).to.include(runOnly).and.include('pulumi up');
  });

  it('suggests regions of the same area first', () => {
    expect(nearbySchedulerRegions(runOnly).every((r) => r.startsWith('europe-'))).to.equal(true);
    expect(nearbySchedulerRegions('us-south1').every((r) => /^(us|northamerica|southamerica)-/.test(r))).to.equal(true);
    const africa = nearbySchedulerRegions('africa-south1');
    expect(africa).to.have.length(4);
    expect(africa.every((r) => /^(europe|me)-/.test(r))).to.equal(true);
  });

  it('refuses at preview a functions\' region Cloud Scheduler does not serve, naming the key and nearby regions', async () => {
    const err = await runError('dev-gcp', packages, { preview: true, overrides: { 'gcp:region': runOnly } });
    expect(err.message).to.include('multicloud-functions:schedulerRegion').and.include(runOnly).and.include('europe-west1');
  });

  it('puts the job in schedulerRegion and leaves the function and its invoker grant in the functions\' region', async () => {
    const r = new Resources((await runWith('dev-gcp', packages, { overrides: { 'gcp:region': runOnly, schedulerRegion: 'europe-west1' } })).resources);
    const inputs = r.get(job, 'outbox-sweeper-job').inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(inputs.region).to.equal('europe-west1');
    const orders = r.ofType(T.fn).find((f) => String(f.inputs.name).endsWith('-orders'))!;
    expect(orders.inputs.location).to.equal(runOnly);
    // Cloud Scheduler no longer needs an App Engine app for HTTP targets (scheduler/docs/overview)
    expect(r.ofType('gcp:appengine/application:Application')).to.deep.equal([]);
    expect(r.ofType(T.service).map((x) => x.inputs.service)).to.include('cloudscheduler.googleapis.com').and.not.include('appengine.googleapis.com');
    expect(bindingsOf(r).map(describeBinding).filter((b) => b.includes('-sweeper@'))).to.deep.equal([
      `serviceAccount:mcf-dev-gcp-sweeper@${String(inputs.project)}.iam.gserviceaccount.com roles/run.invoker service:${runOnly}/mcf-dev-gcp-orders`,
    ]);
  });

  it('uses an unlisted schedulerRegion the stack sets, with a warning naming it', async () => {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = async (message: string) => { warnings.push(message); };
    try {
      const r = new Resources((await runWith('dev-gcp', packages, { overrides: { schedulerRegion: runOnly } })).resources);
      expect(r.get(job, 'outbox-sweeper-job').inputs.region).to.equal(runOnly);
    } finally {
      pulumi.log.warn = warn;
    }
    expect(warnings.filter((w) => w.includes('schedulerRegion'))).to.have.length(1);
    expect(warnings.find((w) => w.includes('schedulerRegion'))).to.include(runOnly).and.include('gcloud scheduler locations list');
  });

  it('refuses a schedulerRegion that is not a region id', async () => {
    const err = await runError('dev-gcp', packages, { overrides: { schedulerRegion: 'Europe West' } });
    expect(err.message).to.include('multicloud-functions:schedulerRegion').and.include('"Europe West"');
  });
});
