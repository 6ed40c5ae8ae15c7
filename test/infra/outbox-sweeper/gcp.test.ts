/**
 * The outbox sweeper on the Google Cloud dev stack under mocks: a Cloud Scheduler job that POSTs
 * the sweep request to the orders function with an OIDC token of its own service account, whose
 * one role is run.invoker on that function; the function stays private.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { packageEntry } from '../../../infra/gcp/function';
import { cronSchedule } from '../../../infra/gcp/outbox-sweeper';
import { allSpecs } from '../../../handlers/specs';
import { fakePackages, removeDir, Resources, runWith } from '../harness';
import { T, bindingsOf, describeBinding } from '../gcp/gcp-resources';

const stackFile = parse(readFileSync('Pulumi.dev-gcp.yaml', 'utf8')) as { config: Record<string, unknown> };
const project = String(stackFile.config['gcp:project']);
const region = String(stackFile.config['gcp:region']);
const prefix = 'mcf-dev-gcp';

describe('infra: the Google Cloud outbox sweeper under mocks', function () {
  this.timeout(90_000);
  let packages: string;
  before(() => {
    packages = fakePackages('gcp', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  it('POSTs the sweep request to the orders function every outboxSweepMinutes, with OIDC, never public', async () => {
    const r = new Resources((await runWith('dev-gcp', packages)).resources);
    const job = r.get('gcp:cloudscheduler/job:Job', 'outbox-sweeper-job').inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(job).to.deep.include({ project, region, name: `${prefix}-outbox-sweep`, schedule: '*/5 * * * *', timeZone: 'Etc/UTC', retryConfig: { retryCount: 0 } });
    const uri = job.httpTarget.uri as string;
    expect(uri).to.be.a('string').and.match(/^https:\/\//);
    expect(job.httpTarget).to.deep.include({ httpMethod: 'POST', headers: { 'Content-Type': 'application/json' } });
    expect(JSON.parse(Buffer.from(job.httpTarget.body, 'base64').toString('utf8'))).to.deep.equal({ sweep: 'outbox' });
    const email = `${prefix}-sweeper@${project}.iam.gserviceaccount.com`;
    expect(job.httpTarget.oidcToken).to.deep.equal({ serviceAccountEmail: email, audience: uri });
    // 15 s to 30 min for HTTP targets; the orders timeout plus room
    expect(job.attemptDeadline).to.equal(`${allSpecs.find((s) => s.name === 'orders')!.timeoutSeconds + 30}s`);
    // its identity's one binding: invoke the orders service
    const mine = bindingsOf(r).map(describeBinding).filter((b) => b.includes(`${prefix}-sweeper@`));
    expect(mine).to.deep.equal([`serviceAccount:${email} roles/run.invoker service:${region}/${prefix}-orders`]);
    // nobody else is let in for it
    expect(bindingsOf(r).map(describeBinding).filter((b) => b.includes('allUsers') && b.includes('orders'))).to.deep.equal([]);
    const api = r.ofType(T.service).find((s) => s.inputs.service === 'cloudscheduler.googleapis.com')!;
    expect(api.inputs).to.include({ disableOnDestroy: false });
    expect(r.get('gcp:cloudscheduler/job:Job', 'outbox-sweeper-job').dependencies).to.include(api.urn);
  });

  it('takes the interval from the stack: every minute, every N minutes, hourly', async () => {
    const r = new Resources((await runWith('dev-gcp', packages, { overrides: { outboxSweepMinutes: 1 } })).resources);
    expect(r.get('gcp:cloudscheduler/job:Job', 'outbox-sweeper-job').inputs.schedule).to.equal('* * * * *');
    expect([cronSchedule(15), cronSchedule(60)]).to.deep.equal(['*/15 * * * *', '0 * * * *']);
  });
});
