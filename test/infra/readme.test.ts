/**
 * The README's deploy sections against the program: every stack output is listed under its
 * cloud's "Outputs", and the limits and prerequisites the program relies on are stated where a
 * user reads them (the AWS users timeout, Azure's Event Grid response window, the Google APIs the
 * stack cannot enable itself).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { allSpecs } from '../../handlers/specs';
import { packageEntry as awsEntry } from '../../infra/aws/function';
import { packageEntry as gcpEntry } from '../../infra/gcp/function';
import { prerequisiteServices } from '../../infra/gcp/services';
import { awsLimits, eventGridResponseSeconds } from '../../infra/limits';
import { projectRoot } from '../../infra/packages';
import { fakeAppPackage } from './azure/azure-support';
import { fakePackages, removeDir, runWith } from './harness';

const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(text: string, heading: string): string {
  const level = heading.match(/^#+/)![0].length;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`README has no "${heading}"`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^#+ /.test(l) && l.match(/^#+/)![0].length <= level);
  return rest.slice(0, end < 0 ? undefined : end).join('\n');
}

const deploy = {
  aws: { heading: '## Deploy to AWS', stack: 'dev', packages: () => fakePackages('aws', allSpecs.map((s) => s.name), awsEntry) },
  azure: { heading: '## Deploy to Azure', stack: 'dev-azure', packages: () => fakeAppPackage() },
  gcp: { heading: '## Deploy to Google Cloud', stack: 'dev-gcp', packages: () => fakePackages('gcp', allSpecs.map((s) => s.name), gcpEntry) },
};

describe('README: the deploy sections', function () {
  this.timeout(90000);

  for (const [cloud, d] of Object.entries(deploy)) {
    it(`${cloud}: lists every stack output under Outputs`, async () => {
      const packages = d.packages();
      try {
        const run = await runWith(d.stack, packages);
        const outputs = section(section(readme, d.heading), '### Outputs');
        const missing = Object.keys(run.outputs).filter((name) => !outputs.includes(`\`${name}\``));
        expect(missing, `outputs of ${d.stack} missing from the README`).to.deep.equal([]);
      } finally {
        removeDir(packages);
      }
    });
  }

  it('AWS: states the 30 s cap of the users (HTTP) timeout, with its source', () => {
    const settings = section(section(readme, deploy.aws.heading), '### Settings');
    expect(settings).to.include(`users (HTTP): at most ${awsLimits.maxTimeoutSeconds.http} s`).and.include('http-api-quotas.html');
  });

  it('AWS and Azure: document usersPublic, which the program requires without jwtIssuer', () => {
    for (const heading of [deploy.aws.heading, deploy.azure.heading]) {
      const row = section(section(readme, heading), '### Settings').split('\n').find((l) => l.startsWith('| `usersPublic` '));
      expect(row, heading).to.match(/Without `jwtIssuer` it must be `true`/);
    }
  });

  it('Azure: explains what Event Grid\'s response window means for long images runs', () => {
    const azure = section(readme, deploy.azure.heading);
    expect(azure).to.include(`waits ${eventGridResponseSeconds} seconds`).and.include('event-grid/delivery-and-retry').and.include('`source-etag`');
  });

  it('Google Cloud: names the APIs to enable by hand, and claims no more than the stack does', () => {
    const prerequisites = section(section(readme, deploy.gcp.heading), '### Prerequisites');
    expect(prerequisites).to.include(`gcloud services enable ${prerequisiteServices.join(' ')}`);
    expect(readme).to.not.match(/^You do not have to enable any API by hand/m);
  });
});
