/**
 * Deploy rules of the Google Cloud stack that a new project in a new organisation enforces (issue
 * 18), checked on the inputs the mocks receive: the build identity, the APIs every resource
 * calls, CORS on a private function, allUsers under domain-restricted sharing, maximum instances
 * and the protected Firestore database. Each test names its source; docs/deploy-rules.md
 * ("Google Cloud") holds the audit.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { settingName } from '../../../handlers/settings';
import type { FunctionName } from '../../../handlers/specs';
import { gcpDeployerEmail, gcpProjectNumber } from '../../../infra/offline/gcp-state';
import { projectRoot } from '../../../infra/packages';
import { defaultMaxInstances } from '../../../infra/gcp/options';
import { apisByResourceType, prerequisiteServices, requiredServices } from '../../../infra/gcp/services';
import { allUsersNotice } from '../../../infra/gcp/users-api';
import { waitProvider } from '../../../infra/gcp/propagation-wait';
import type { Resources, StackRun } from '../harness';
import { T, bindingsOf, describeBinding } from '../gcp/gcp-resources';
import { cloudResources, gcpError, gcpPackages, runGcp, waitsFor } from './gcp-support';

type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const names: FunctionName[] = ['images', 'users', 'orders'];
const key = (k: string) => `"multicloud-functions:${k}"`;
const waitType = 'pulumi-nodejs:dynamic/gcp:IamPropagationWait';

describe('deploy rules: Google Cloud', function () {
  this.timeout(120000);
  const packages = gcpPackages();
  let dev: { run: StackRun; r: Resources };
  before(async () => {
    dev = await runGcp(packages.dir());
  });
  const fn = (r: Resources, name: FunctionName): Inputs => r.get(T.fn, `${name}-function`).inputs;

  describe('the build identity', () => {
    // "Custom Service Account for Cloud Build" (https://cloud.google.com/functions/docs/securing/build-custom-sa):
    // without buildConfig.serviceAccount the build runs as the Compute Engine default account, which
    // new organisations leave without roles (iam.automaticIamGrantsForDefaultServiceAccounts).
    it('builds every function as the stack\'s own account, named projects/<project>/serviceAccounts/<email>', () => {
      const project = String(dev.run.config['gcp:project']);
      const builder = dev.r.get(T.account, 'build-account').inputs;
      const email = `${String(builder.accountId)}@${project}.iam.gserviceaccount.com`;
      for (const name of names) {
        // pulumi-gcp cloudfunctionsv2 FunctionBuildConfig.serviceAccount: "The fully-qualified name
        // of the service account"; the provider's "Cloudfunctions2 Basic Builder" example passes
        // the account's id, projects/<project>/serviceAccounts/<email>.
        expect(fn(dev.r, name).buildConfig.serviceAccount, name).to.equal(`projects/${project}/serviceAccounts/${email}`);
      }
    });

    it('grants the build logs, images and the sources it reads, and lets the deployer act as it', () => {
      // Roles from "Custom Service Account for Cloud Build" (logging.logWriter, artifactregistry.writer,
      // storage.objectViewer) and "Build process overview" (the source is staged in gcf-v2-sources-<number>-<region>).
      const sourceBucket = String(fn(dev.r, 'users').buildConfig.source.storageSource.bucket);
      const region = String(dev.run.config['gcp:region']);
      const project = String(dev.run.config['gcp:project']);
      const email = `${String(dev.r.get(T.account, 'build-account').inputs.accountId)}@${project}.iam.gserviceaccount.com`;
      const who = `serviceAccount:${email}`;
      expect(bindingsOf(dev.r).map(describeBinding).filter((b) => b.includes(email))).to.have.members([
        `${who} roles/logging.logWriter project`,
        `${who} roles/artifactregistry.writer project`,
        `${who} roles/storage.objectViewer bucket:${sourceBucket}`,
        `${who} roles/storage.objectViewer project if resource.name.startsWith("projects/_/buckets/gcf-v2-sources-${gcpProjectNumber}-${region}")`,
        // The deployer needs iam.serviceAccounts.actAs on the account it names in buildConfig.
        `user:${gcpDeployerEmail} roles/iam.serviceAccountUser serviceAccount:projects/${project}/serviceAccounts/${email}`,
      ]);
    });

    it('creates each function only after every build grant, and 60 s for them to propagate (a build started earlier fails)', () => {
      // The provider's "Cloudfunctions2 Basic Builder" example orders the function after the grants
      // and a 60 s sleep; IAM, "Access change propagation": typically within 2 minutes.
      const children = dev.r.all.filter((x) => x.parent === dev.r.get('multicloud:gcp:BuildIdentity', 'build').urn);
      const grants = children.filter((x) => x.type !== T.account && x.type !== waitType);
      const wait = dev.r.get(waitType, 'build-grants-settle');
      expect(grants).to.have.length(5);
      expect(wait.inputs.seconds).to.be.at.least(60);
      for (const g of grants) expect(wait.dependencies, `the wait follows ${g.name}`).to.include(g.urn);
      for (const name of names) {
        const deps = dev.r.get(T.fn, `${name}-function`).dependencies;
        for (const g of [...grants, wait]) expect(deps, `${name} waits for ${g.name}`).to.include(g.urn);
      }
    });

    // Eventarc troubleshooting: a trigger created before the Cloud Storage agent's publisher role
    // (or the trigger identity's roles) propagated is refused; IAM, "Access change propagation".
    it('creates the upload trigger (the images function) only after its grants had time to propagate', () => {
      const wait = dev.r.get(waitType, 'uploads-grants-settle');
      const grants = ['uploads-trigger-receives', 'uploads-storage-agent-publishes', 'uploads-agent-mints-tokens'].map((n) => dev.r.all.find((x) => x.name === n)!);
      for (const g of grants) expect(wait.dependencies, g.name).to.include(g.urn);
      expect(wait.inputs.seconds).to.be.at.least(60);
      expect(dev.r.get(T.fn, 'images-function').dependencies).to.include(wait.urn);
    });

    it('waits again only when the grants change', async () => {
      const diff = waitProvider.diff!;
      expect((await diff('w', { after: ['a', 'b'], seconds: 60 }, { after: ['b', 'a'], seconds: 60 })).changes).to.equal(false);
      expect(await diff('w', { after: ['a'], seconds: 60 }, { after: ['a', 'c'], seconds: 60 })).to.deep.include({ changes: true, replaces: ['after'] });
      expect(await waitProvider.create!({ after: ['a'], seconds: 0 })).to.deep.include({ outs: { after: ['a'], seconds: 0 } });
    });
  });

  describe('the APIs', () => {
    // A new project has most APIs off; a call to one answers 403 SERVICE_DISABLED
    // (https://cloud.google.com/service-usage/docs/enable-disable). iam.googleapis.com is one of them.
    it('maps every resource type the stack creates to the APIs it calls', () => {
      const unmapped = [...new Set(cloudResources(dev.r).map((x) => x.type))].filter((t) => !(t in apisByResourceType));
      expect(unmapped, 'resource types with no API in apisByResourceType (infra/gcp/services.ts)').to.deep.equal([]);
    });

    it('enables every API a resource calls, the IAM API included (or lists it as a prerequisite)', () => {
      const enabled = dev.r.ofType(T.service).map((s) => String(s.inputs.service));
      expect(enabled).to.include('iam.googleapis.com');
      const needed = new Set(cloudResources(dev.r).flatMap((x) => apisByResourceType[x.type] ?? []));
      for (const api of needed) {
        expect([...enabled, ...prerequisiteServices], api).to.include(api);
      }
    });

    it('creates each resource only after the APIs it calls are enabled', () => {
      const serviceOf = new Map(dev.r.ofType(T.service).map((s) => [String(s.inputs.service), s.urn]));
      const late: string[] = [];
      for (const res of cloudResources(dev.r).filter((x) => x.type !== T.service)) {
        const waits = waitsFor(dev.r, res);
        for (const api of apisByResourceType[res.type] ?? []) {
          const urn = serviceOf.get(api);
          if (urn && !waits.has(urn)) late.push(`${res.type} ${res.name} before ${api}`);
        }
      }
      expect(late).to.deep.equal([]);
    });

    it('enables only what it uses (no API left out of the map)', () => {
      const used = new Set(Object.values(apisByResourceType).flat());
      expect(requiredServices.filter((api) => !used.has(api))).to.deep.equal([]);
    });
  });

  describe('CORS and who may call the users function', () => {
    // "CORS limitations" (https://cloud.google.com/functions/docs/writing/write-http-functions):
    // the preflight carries no credentials and Cloud Run's IAM check answers it 403 first.
    it('refuses corsOrigins on a private users function, naming the ways that work', async () => {
      const error = await gcpError(packages.dir(), { corsOrigins: ['https://app.example.com'], usersPublic: false });
      expect(pulumi.RunError.isInstance(error), error.stack).to.equal(true);
      expect(error.message).to.include(key('corsOrigins')).and.include('https://app.example.com')
        .and.include('usersPublic true with jwtIssuer and jwtAudience').and.include('a front end that authenticates');
    });

    it('accepts corsOrigins on a public function that checks tokens, and hands the origins to it', async () => {
      const { r } = await runGcp(packages.dir(), { corsOrigins: ['https://app.example.com'], usersPublic: true, jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'users-api' });
      const env = fn(r, 'users').serviceConfig.environmentVariables as Record<string, string>;
      expect(env[settingName('users', 'corsOrigins')]).to.equal('https://app.example.com');
      expect(env[settingName('users', 'jwtIssuer')]).to.equal('https://issuer.example.com/');
    });

    // Domain-restricted sharing (https://cloud.google.com/resource-manager/docs/organization-policy/restricting-domains),
    // enforced by default in organisations created since 3 May 2024 ("Secure by default organization resources").
    it('warns before granting allUsers, pointing at the organisation policy to change', async () => {
      const warnings: string[] = [];
      const original = console.warn;
      console.warn = (...args: unknown[]) => { warnings.push(args.map(String).join(' ')); };
      try {
        await runGcp(packages.dir(), { usersPublic: true });
      } finally {
        console.warn = original;
      }
      expect(warnings.some((w) => w.includes(allUsersNotice))).to.equal(true);
      expect(allUsersNotice).to.include('iam.allowedPolicyMemberDomains').and.include('do not belong to a permitted customer').and.include('README.md');
    });

    it('the README lists what must be done by hand (billing, the two APIs, the organisation policy) before the first command', () => {
      const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
      const start = readme.indexOf('## Deploy to Google Cloud');
      const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
      const firstCommand = section.indexOf('npm run package -- gcp');
      expect(firstCommand).to.be.greaterThan(0);
      const before = section.slice(0, firstCommand);
      expect(before).to.include('with billing').and.include(`gcloud services enable ${prerequisiteServices.join(' ')}`);
      expect(before).to.include('name: projects/<your-project-id>/policies/iam.allowedPolicyMemberDomains').and.include('allowAll: true').and.include('gcloud org-policies set-policy');
    });

    it('does not warn about allUsers on a private function', async () => {
      const warnings: string[] = [];
      const original = console.warn;
      console.warn = (...args: unknown[]) => { warnings.push(args.map(String).join(' ')); };
      try {
        await runGcp(packages.dir());
      } finally {
        console.warn = original;
      }
      expect(warnings.filter((w) => w.includes('allUsers'))).to.deep.equal([]);
    });
  });

  describe('maximum instances', () => {
    // Cloud Run functions: "Configure maximum instances" (https://cloud.google.com/functions/docs/configuring/max-instances);
    // the API refuses a minimum above the maximum.
    it('sets a maximum on every function, low for orders, never below the minimum', () => {
      for (const name of names) {
        const service = fn(dev.r, name).serviceConfig as Inputs;
        expect(service.maxInstanceCount, name).to.equal(defaultMaxInstances[name]).and.to.be.at.least(service.minInstanceCount ?? 0);
      }
      expect(defaultMaxInstances.orders).to.be.at.most(5);
    });

    it('takes the maximum from functions.<name>.maxInstances', async () => {
      const { r } = await runGcp(packages.dir(), { functions: { orders: { maxInstances: 2, warmInstances: 2 } } });
      expect(fn(r, 'orders').serviceConfig).to.include({ maxInstanceCount: 2, minInstanceCount: 2 });
    });

    it('refuses warm instances above the maximum, naming both keys', async () => {
      const error = await gcpError(packages.dir(), { functions: { orders: { warmInstances: 6 } } });
      expect(error.message).to.include(key('functions.orders.warmInstances')).and.include('functions.orders.maxInstances (the default 5)');
      const explicit = await gcpError(packages.dir(), { functions: { users: { warmInstances: 3, maxInstances: 2 } } });
      expect(explicit.message).to.include(key('functions.users.warmInstances')).and.include('functions.users.maxInstances (2)');
    });

    it('refuses a maximum outside 1-1000', async () => {
      const error = await gcpError(packages.dir(), { functions: { images: { maxInstances: 0 } } });
      expect(error.message).to.include(key('functions.images.maxInstances')).and.include('an integer from 1 to 1000');
    });
  });

  describe('the Firestore database', () => {
    // pulumi-gcp firestore.Database deletionPolicy (ABANDON / DELETE / PREVENT) and Pulumi's `protect`
    // (pulumi/pulumi pkg/resource/deploy/step_generator.go: "unable to replace resource ... as it is
    // currently marked for protection").
    it('cannot be replaced or deleted when deletionProtection is on', async () => {
      const { r } = await runGcp(packages.dir(), { deletionProtection: true });
      const db = r.get(T.database, 'tables-database');
      expect(db.protect).to.equal(true);
      expect(db.inputs).to.include({ deletionPolicy: 'PREVENT', deleteProtectionState: 'DELETE_PROTECTION_ENABLED' });
    });

    it('is deletable with the stack when deletionProtection is off (the dev stack)', () => {
      const db = dev.r.get(T.database, 'tables-database');
      expect(db.protect).to.equal(false);
      expect(db.inputs).to.include({ deletionPolicy: 'DELETE', deleteProtectionState: 'DELETE_PROTECTION_DISABLED' });
    });
  });
});
