/**
 * The Google Cloud audit (docs/deploy-rules.md, "Google Cloud"), resource type by resource type:
 * what each API refuses at create or update time, checked on the inputs the mocks receive, for
 * the dev stack and for a stack with the longest namePrefix and project id the config accepts
 * (names hit their limits there first). Each rule names its source.
 */
import { expect } from 'chai';
import type { FunctionName } from '../../../handlers/specs';
import type { Resources } from '../harness';
import { cloudSchedulerRegions } from '../../../infra/gcp/scheduler-locations';
import { T, bindingsOf } from '../gcp/gcp-resources';
import { cloudResources, gcpPackages, runGcp } from './gcp-support';

type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const names: FunctionName[] = ['images', 'users', 'orders'];
const durationSeconds = (d: unknown) => Number(/^(\d+)s$/.exec(String(d))?.[1] ?? NaN);

describe('deploy rules: Google Cloud audit, per resource type', function () {
  this.timeout(120000);
  const packages = gcpPackages();
  const stacks: Record<string, Resources> = {};
  before(async () => {
    stacks['dev-gcp'] = (await runGcp(packages.dir())).r;
    // 30 characters each: the longest namePrefix (infra/config.ts) and the longest project id
    // ("6 to 30 characters", Resource Manager, "Creating and managing projects").
    stacks['longest names'] = (await runGcp(packages.dir(), { namePrefix: `mcf-${'x'.repeat(21)}-0001`, 'gcp:project': `p-${'y'.repeat(28)}` })).r;
  });

  const each = (title: string, check: (r: Resources) => void) => {
    it(title, () => {
      for (const [name, r] of Object.entries(stacks)) {
        try {
          check(r);
        } catch (error) {
          (error as Error).message = `[${name}] ${(error as Error).message}`;
          throw error;
        }
      }
    });
  };

  // IAM, "Create service accounts": the id is 6-30 characters, lower-case letters, digits and
  // hyphens, starting with a letter and not ending with a hyphen; unique in the project.
  each('service account ids: 6-30 characters, [a-z][a-z0-9-]*[a-z0-9], unique', (r) => {
    const ids = r.ofType(T.account).map((a) => String(a.inputs.accountId));
    for (const id of ids) expect(id).to.match(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  // IAM quotas (https://cloud.google.com/iam/quotas): 100 service accounts per project by default.
  each('service accounts: well inside the 100 a project may have', (r) => {
    expect(r.ofType(T.account).length).to.be.at.most(10);
  });

  // Service accounts are eventually consistent ("Create service accounts": wait before using a new
  // account); a binding naming an account that does not exist yet fails with 400 "does not
  // exist", which terraform-provider-google retries for a while
  // (google/transport/error_retry_predicates.go, IamServiceAccountNotFound) but only once the
  // account's creation has been requested: every binding waits for the account it names.
  each('IAM bindings: each is created after the service account it grants to or on', (r) => {
    const accounts = r.ofType(T.account);
    for (const binding of bindingsOf(r)) {
      const inputs = JSON.stringify(binding.inputs);
      for (const account of accounts) {
        if (inputs.includes(`${String(account.inputs.accountId)}@`)) {
          expect(binding.dependencies, `${binding.name} waits for ${account.name}`).to.include(account.urn);
        }
      }
    }
  });

  // IAM Conditions, "Limits" (https://cloud.google.com/iam/docs/conditions-overview#limits): a
  // title of at most 100 characters, an expression of at most 12,800.
  each('IAM conditions: a title of at most 100 characters, an expression of at most 12,800', (r) => {
    const conditions = bindingsOf(r).map((b) => b.inputs.condition as Inputs | undefined).filter((c): c is Inputs => !!c);
    expect(conditions.length).to.be.greaterThan(0);
    for (const c of conditions) {
      expect(String(c.title)).to.match(/^[a-z0-9-]{1,100}$/);
      expect(String(c.expression).length).to.be.at.most(12800);
    }
  });

  // Cloud Run IAM on a service (cloudrunv2 ServiceIamMember) needs the service: the binding's
  // `name` comes from the function's output, so it waits for the function.
  each('Cloud Run invoker bindings: created after the function whose service they name', (r) => {
    for (const binding of r.ofType(T.runMember)) {
      expect(binding.propertyDependencies.name ?? [], binding.name).to.satisfy((deps: string[]) => deps.some((urn) => r.byUrn(urn).type === T.fn));
    }
  });

  // Pub/Sub "Resource names" (https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names):
  // start with a letter, 3-255 characters of letters, digits, - _ . ~ + %, not starting with "goog".
  each('Pub/Sub topic and subscription names: 3-255 allowed characters, a letter first, no "goog" prefix', (r) => {
    for (const x of [...r.ofType(T.topic), ...r.ofType(T.subscription)]) {
      const name = String(x.inputs.name);
      expect(name).to.match(/^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/);
      expect(name.startsWith('goog')).to.equal(false);
    }
  });

  // Pub/Sub Subscription reference (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions):
  // ackDeadlineSeconds 10-600; messageRetentionDuration 10 minutes to 31 days; an expiration ttl
  // empty (never) or at least 1 day and above the retention; retry backoffs 0-600 s, min <= max;
  // maxDeliveryAttempts 5-100; a push endpoint over HTTPS.
  each('Pub/Sub subscriptions: ack deadline, retention, expiration, backoff and dead-letter attempts within the API\'s ranges', (r) => {
    for (const sub of r.ofType(T.subscription)) {
      const i = sub.inputs as Inputs;
      if (i.ackDeadlineSeconds !== undefined) expect(i.ackDeadlineSeconds, sub.name).to.be.within(10, 600);
      const retention = durationSeconds(i.messageRetentionDuration);
      expect(retention, sub.name).to.be.within(600, 31 * 24 * 3600);
      const ttl = i.expirationPolicy?.ttl;
      if (ttl !== '') expect(durationSeconds(ttl), sub.name).to.be.at.least(Math.max(24 * 3600, retention));
      if (i.retryPolicy) {
        const min = durationSeconds(i.retryPolicy.minimumBackoff);
        const max = durationSeconds(i.retryPolicy.maximumBackoff);
        expect(min).to.be.within(0, 600);
        expect(max).to.be.within(min, 600);
      }
      if (i.deadLetterPolicy) {
        expect(i.deadLetterPolicy.maxDeliveryAttempts).to.be.within(5, 100);
        expect(i.deadLetterPolicy.deadLetterTopic).to.not.equal(i.topic);
      }
      if (i.pushConfig) expect(String(i.pushConfig.pushEndpoint)).to.match(/^https:\/\//);
    }
  });

  // Firestore, "Manage databases" (https://cloud.google.com/firestore/docs/manage-databases):
  // a database id is 4-63 characters of lower-case letters, digits and hyphens, a letter first,
  // not ending with a hyphen.
  each('Firestore database id: 4-63 characters, [a-z][a-z0-9-]*[a-z0-9]', (r) => {
    for (const db of r.ofType(T.database)) expect(String(db.inputs.name)).to.match(/^[a-z][a-z0-9-]{2,61}[a-z0-9]$/);
  });

  // Cloud Run (which runs 2nd gen functions) refuses a service name other than "letters, numbers
  // and '-'. Must begin with a letter and cannot end with a '-'. Maximum length is 63 characters"
  // (the API's own BadRequest, quoted in jamesward/cloud-run-button#4); lower case (RFC 1035).
  each('function names: Cloud Run service names, at most 63 characters', (r) => {
    for (const name of names) expect(String(r.get(T.fn, `${name}-function`).inputs.name)).to.match(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/);
  });

  // Cloud Run functions, "Configure environment variables", reserved keys
  // (https://cloud.google.com/functions/docs/configuring/env-var#reserved_keys): FUNCTION_TARGET,
  // FUNCTION_SIGNATURE_TYPE, K_SERVICE, K_REVISION, K_CONFIGURATION, PORT, and any X_GOOGLE_ prefix,
  // are refused; a key is not empty and has no "=".
  each('function environment: no reserved key, no X_GOOGLE_ prefix, well-formed names', (r) => {
    const reserved = ['FUNCTION_TARGET', 'FUNCTION_SIGNATURE_TYPE', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION', 'PORT'];
    for (const name of names) {
      for (const key of Object.keys((r.get(T.fn, `${name}-function`).inputs.serviceConfig as Inputs).environmentVariables ?? {})) {
        expect(reserved, `${name}: ${key}`).to.not.include(key);
        expect(key).to.match(/^[A-Za-z_][A-Za-z0-9_]*$/);
        expect(key.startsWith('X_GOOGLE_')).to.equal(false);
      }
    }
  });

  // Eventarc, "Create a trigger for Cloud Storage": the trigger's location must match the
  // bucket's (a regional bucket: its region).
  each('the upload trigger: in the originals bucket\'s location, filtering on that bucket', (r) => {
    const trigger = r.get(T.fn, 'images-function').inputs.eventTrigger as Inputs;
    const bucket = r.get(T.bucket, 'uploads-originals').inputs;
    expect(String(trigger.triggerRegion).toUpperCase()).to.equal(String(bucket.location));
    expect(trigger.eventFilters).to.deep.equal([{ attribute: 'bucket', value: bucket.name }]);
  });

  // Cloud Monitoring AlertPolicy / Aggregation reference
  // (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies): at most 6
  // conditions and 16 notification channels; an alignment period of at least 60 s; a
  // cross-series reducer needs a per-series aligner other than ALIGN_NONE; displayName at most 512.
  each('alert policies: conditions, channels, alignment and display names within Cloud Monitoring\'s limits', (r) => {
    for (const policy of r.ofType(T.alert)) {
      const i = policy.inputs as Inputs;
      expect(String(i.displayName).length).to.be.within(1, 512);
      expect(i.conditions.length).to.be.within(1, 6);
      expect((i.notificationChannels ?? []).length).to.be.at.most(16);
      for (const condition of i.conditions) {
        for (const a of condition.conditionThreshold.aggregations ?? []) {
          expect(durationSeconds(a.alignmentPeriod)).to.be.at.least(60);
          if (a.crossSeriesReducer) expect(a.perSeriesAligner).to.be.a('string').and.not.equal('ALIGN_NONE');
        }
      }
    }
  });

  // Service agents exist some time after their API is enabled; a binding naming one too early fails
  // with "does not exist" (Service Usage, generateServiceIdentity). The Pub/Sub agent's bindings use
  // the generated identity, so they wait for it.
  each('service agents: the Pub/Sub agent\'s bindings wait for its generated identity', (r) => {
    const identity = r.get('gcp:projects/serviceIdentity:ServiceIdentity', 'pubsub-agent');
    expect(identity.inputs.service).to.equal('pubsub.googleapis.com');
    const agentBindings = bindingsOf(r).filter((b) => String(b.inputs.member).includes('@gcp-sa-pubsub.'));
    expect(agentBindings.length).to.equal(4);
    for (const b of agentBindings) expect(b.dependencies, b.name).to.include(identity.urn);
  });

  // Cloud Storage: a regional location (the functions' region, upper case as the API returns it)
  // and public access prevention "enforced" or "inherited"
  // (https://cloud.google.com/storage/docs/public-access-prevention).
  each('buckets: in the region, uniform access, public access prevention enforced', (r) => {
    for (const bucket of r.ofType(T.bucket)) {
      expect(bucket.inputs).to.include({ uniformBucketLevelAccess: true, publicAccessPrevention: 'enforced' });
      expect(String(bucket.inputs.location)).to.match(/^[A-Z]+-[A-Z]+\d+$/);
    }
  });

  // Cloud Scheduler, REST `projects.locations.jobs`: the job id is letters, digits, hyphens and
  // underscores, at most 500 characters; an HTTP target's attemptDeadline is 15 s to 30 min; a body
  // is sent only with POST, PUT or PATCH; an OIDC token's audience must be what Cloud Run checks, the
  // service URL (https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs,
  // https://cloud.google.com/scheduler/docs/http-target-auth). The job's account may only invoke
  // orders, and the job waits for that grant (a first run before it would be refused 403).
  each('cloud scheduler job (outbox sweeper): id, deadline, POST body, OIDC audience, its only grant', (r) => {
    const jobs = r.ofType('gcp:cloudscheduler/job:Job');
    expect(jobs).to.have.length(1);
    const job = jobs[0];
    const inputs = job.inputs as Inputs;
    expect(String(inputs.name)).to.match(/^[A-Za-z0-9_-]{1,500}$/);
    const deadline = durationSeconds(inputs.attemptDeadline);
    expect(deadline).to.be.within(15, 1800);
    expect(inputs.httpTarget.httpMethod).to.equal('POST');
    expect(Buffer.from(String(inputs.httpTarget.body), 'base64').toString('base64')).to.equal(String(inputs.httpTarget.body));
    expect(inputs.httpTarget.oidcToken.audience).to.equal(inputs.httpTarget.uri);
    // a region Cloud Scheduler serves (infra/gcp/scheduler-locations.ts, with its sources)
    expect(cloudSchedulerRegions).to.include(inputs.region);
    // retries 0-5 (https://cloud.google.com/scheduler/docs/configuring/retry-jobs); a tz database name
    expect(inputs.retryConfig.retryCount).to.be.within(0, 5);
    expect(() => new Intl.DateTimeFormat('en', { timeZone: String(inputs.timeZone) })).to.not.throw();
    // the token's account belongs to the job's project (https://cloud.google.com/scheduler/docs/http-target-auth)
    const account = r.ofType(T.account).find((a) => inputs.httpTarget.oidcToken.serviceAccountEmail === `${String(a.inputs.accountId)}@${String(a.inputs.project)}.iam.gserviceaccount.com`);
    expect(account?.inputs.project, 'the OIDC account is one of the stack\'s, in the job\'s project').to.equal(inputs.project);
    const grants = bindingsOf(r).filter((b) => String(b.inputs.member).includes('-sweeper@'));
    expect(grants.map((g) => String(g.inputs.role))).to.deep.equal(['roles/run.invoker']);
    expect(job.dependencies).to.include(grants[0].urn);
  });

  it('covers every Google Cloud resource type the stack declares', () => {
    const audited: string[] = ['gcp:cloudscheduler/job:Job', T.account, T.service, 'gcp:projects/serviceIdentity:ServiceIdentity', T.fn, T.object, T.bucket, T.topic, T.subscription, T.database, T.alert, T.bucketMember, T.topicMember, T.subscriptionMember, T.runMember, T.accountMember, T.projectMember];
    const declared = [...new Set(cloudResources(stacks['dev-gcp']).map((x) => x.type))];
    expect(declared.filter((t) => !audited.includes(t)), 'add the new type to docs/deploy-rules.md and to this suite').to.deep.equal([]);
  });
});
