/**
 * Cloud Storage bucket names share one namespace with every Google Cloud customer
 * (https://cloud.google.com/storage/docs/buckets#naming, "Bucket names reside in a single
 * namespace"): the defaults are unique per project, every name is overridable, and a name Cloud
 * Storage would refuse stops the program with the key, the rule and the source.
 */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { bucketNameProblem, bucketNamingSource, defaultBucketName } from '../../../infra/gcp/bucket-names';
import { T } from '../gcp/gcp-resources';
import { gcpError, gcpPackages, runGcp } from './gcp-support';

type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const key = (k: string) => `"multicloud-functions:${k}"`;
const roles = ['originals', 'compressed', 'source'] as const;

describe('deploy rules: Google Cloud bucket names', function () {
  this.timeout(120000);
  const packages = gcpPackages();

  const bucketNames = async (overrides: Record<string, unknown>) => {
    const { r } = await runGcp(packages.dir(), overrides);
    return Object.fromEntries(roles.map((role) => [role, String(r.get(T.bucket, `uploads-${role}`).inputs.name)])) as Record<(typeof roles)[number], string>;
  };

  // Bucket naming: "Bucket names reside in a single Cloud Storage namespace"; project ids are
  // globally unique (Resource Manager, "Creating and managing projects").
  it('names every bucket after the project by default, so two projects deploying dev-gcp do not collide (409)', async () => {
    const a = await bucketNames({ 'gcp:project': 'team-a-project' });
    const b = await bucketNames({ 'gcp:project': 'team-b-project' });
    for (const role of roles) {
      expect(a[role], role).to.include('team-a-project');
      expect(a[role]).to.not.equal(b[role]);
      expect(bucketNameProblem(a[role]), a[role]).to.equal(undefined);
    }
    expect(new Set(Object.values(a)).size).to.equal(3);
  });

  // Bucket naming: "Bucket names must contain 3-63 characters".
  it('keeps the longest prefix and project id within 63 characters, still unique per project', () => {
    const prefix = 'a'.repeat(30);
    const one = defaultBucketName(prefix, 'compressed', 'p'.repeat(30));
    const two = defaultBucketName(prefix, 'compressed', 'q'.repeat(30));
    expect(one).to.have.length.at.most(63);
    expect(bucketNameProblem(one)).to.equal(undefined);
    expect(one).to.not.equal(two);
  });

  // Issue 16 item 2: every default is overridable (the sources bucket was not).
  it('uses the names the stack sets, the function-sources bucket included, everywhere they are referenced', async () => {
    const { r, run } = await runGcp(packages.dir(), { originalsBucket: 'acme-uploads', compressedBucket: 'acme-thumbs', sourcesBucket: 'acme-function-packages' });
    expect(r.get(T.bucket, 'uploads-source').inputs.name).to.equal('acme-function-packages');
    const build = r.get(T.fn, 'orders-function').inputs.buildConfig as Inputs;
    expect(build.source.storageSource.bucket).to.equal('acme-function-packages');
    expect(r.get(T.object, 'orders-source').inputs.bucket).to.equal('acme-function-packages');
    expect((r.get(T.fn, 'images-function').inputs.eventTrigger as Inputs).eventFilters).to.deep.equal([{ attribute: 'bucket', value: 'acme-uploads' }]);
    expect(run.outputs).to.deep.include({ originalsBucketName: 'acme-uploads', compressedBucketName: 'acme-thumbs', sourceBucketName: 'acme-function-packages' });
  });

  // Each case is one rule of https://cloud.google.com/storage/docs/buckets#naming, quoted by the
  // refusal with that address.
  const refusals: { rule: string; overrides: Record<string, unknown>; says: string[]; namingRule?: false }[] = [
    { rule: 'no "goog" prefix', overrides: { sourcesBucket: 'goog-packages' }, says: [key('sourcesBucket'), 'goog-packages', 'no "goog" prefix'] },
    { rule: 'no "google" inside', overrides: { sourcesBucket: 'my-google-packages' }, says: [key('sourcesBucket'), 'no "google"'] },
    { rule: 'no close misspelling of google', overrides: { sourcesBucket: 'my-g00gle-packages' }, says: [key('sourcesBucket'), 'no "google"'] },
    { rule: 'at most 63 characters', overrides: { sourcesBucket: `a${'b'.repeat(63)}` }, says: [key('sourcesBucket'), '3 to 63 characters (it has 64)'] },
    { rule: 'no dots (domain-named buckets need verification)', overrides: { sourcesBucket: 'packages.example.com' }, says: [key('sourcesBucket'), 'no dots'] },
    { rule: 'lower case only', overrides: { sourcesBucket: 'Acme-Packages' }, says: [key('sourcesBucket'), 'only lower-case letters'] },
    { rule: 'a letter or digit last', overrides: { sourcesBucket: 'acme-packages-' }, says: [key('sourcesBucket'), 'a letter or digit first and last'] },
    { rule: 'a default that breaks a rule names the key to set', overrides: { namePrefix: 'googly' }, says: [key('originalsBucket'), 'no "goog" prefix', 'the default, from namePrefix "googly"'] },
    { rule: 'each bucket has one job', overrides: { sourcesBucket: 'acme-uploads', originalsBucket: 'acme-uploads' }, says: [key('sourcesBucket'), 'a bucket other than originalsBucket'], namingRule: false },
  ];
  for (const c of refusals) {
    it(`refuses: ${c.rule}`, async () => {
      const error = await gcpError(packages.dir(), c.overrides);
      expect(pulumi.RunError.isInstance(error), error.stack).to.equal(true);
      for (const fragment of c.namingRule === false ? c.says : [...c.says, bucketNamingSource]) expect(error.message).to.include(fragment);
    });
  }
});
