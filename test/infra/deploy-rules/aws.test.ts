/**
 * What AWS enforces at create/update time, checked on the inputs that would go over the wire for
 * every AWS stack file and the variants a user sets (JWT + CORS, warm instances, custom names),
 * in up and preview mode. Each rule names its source; docs/deploy-rules.md, "AWS", is the audit.
 */
import { expect } from 'chai';
import { createUsersHandler } from '../../../adapters/aws/users';
import type { ApiGatewayV2Event } from '../../../adapters/aws/events/http';
import { systemClock } from '../../../handlers/ports/clock';
import { randomIds } from '../../../handlers/ports/ids';
import { silentLogger } from '../../../handlers/ports/logger';
import { readSettings } from '../../../handlers/settings';
import { usersSpec } from '../../../handlers/specs';
import { allowedRequestHeaders } from '../../../handlers/users/cors';
import { eventFixture } from '../../support/fixtures';
import { MemoryUserRepository } from '../../support/memory';
import { s3BucketNameProblem } from '../../../infra/aws/bucket-names';
import { awsAccountId } from '../../../infra/offline/aws-state';
import { committedStack, deploy, deployError, modes, stacks, text, type Deployment, type Variant } from './support';

const T = {
  bucket: 'aws:s3/bucket:Bucket',
  api: 'aws:apigatewayv2/api:Api',
  route: 'aws:apigatewayv2/route:Route',
  fn: 'aws:lambda/function:Function',
  warm: 'aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig',
  alarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
};

/** What a production stack sets: tokens verified and a browser client on another origin. */
const jwtAndCors: Variant = { overrides: { jwtIssuer: 'https://issuer.example', jwtAudience: 'users-api', usersPublic: false, corsOrigins: ['https://app.example'] } };
const customNames: Variant = { overrides: { originalsBucket: 'acme-photo-uploads', compressedBucket: 'acme-photo-thumbs' } };
const warm: Variant = { overrides: { functions: { users: { warmInstances: 2 } } } };

const awsStacks = stacks('aws');
const variants: Record<string, Variant> = { 'as committed': {}, 'JWT + CORS': jwtAndCors, 'custom bucket names': customNames, 'warm users': warm };

async function runs(variant: Variant): Promise<Deployment[]> {
  const all: Deployment[] = [];
  for (const stack of awsStacks) for (const mode of modes) all.push(Object.keys(variant).length ? await deploy(stack, mode, variant) : await committedStack(stack, mode));
  return all;
}

describe('deploy rules: AWS', function () {
  this.timeout(180000);

  it('has an AWS stack file to check', () => {
    expect(awsStacks).to.not.deep.equal([]);
  });

  describe('S3 bucket names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)', () => {
    // Source: bucketnamingrules.html, "unique across all AWS accounts in all the AWS Regions within a
    // partition": a name from the stack alone (mcf-dev-originals) is taken by the first user of `dev`.
    it('defaults to names unique to the account (the account id from getCallerIdentity), valid for S3', async () => {
      for (const d of await runs({})) {
        const names = d.ofType(T.bucket).map((b) => text(b, 'bucket'));
        expect(names, `${d.stack} ${d.mode}`).to.have.length(2);
        for (const name of names) {
          expect(name, `${d.stack} ${d.mode}`).to.match(new RegExp(`^mcf-[a-z0-9-]+-(originals|compressed)-${awsAccountId}$`));
          expect(s3BucketNameProblem(name!)).to.equal(undefined);
        }
      }
    });

    // Source: the same page's rules (length, charset, reserved prefixes and suffixes).
    it('uses the names a stack sets, exactly, and refuses those S3 would refuse with the rule broken', async () => {
      const d = await deploy('dev', 'up', customNames);
      expect(d.ofType(T.bucket).map((b) => b.inputs.bucket).sort()).to.deep.equal(['acme-photo-thumbs', 'acme-photo-uploads']);
      for (const [name, says] of [['xn--uploads', 'no reserved prefix (xn--)'], ['sthree-uploads', 'no reserved prefix (sthree-)'], ['uploads-s3alias', 'no reserved suffix (-s3alias)'], ['uploads--ol-s3', 'no reserved suffix (--ol-s3)']]) {
        const error = await deployError('dev', 'up', { overrides: { originalsBucket: name } });
        expect(error.message).to.include('"multicloud-functions:originalsBucket"').and.include(says).and.include('bucketnamingrules');
      }
      const prefix = await deployError('dev', 'up', { overrides: { namePrefix: 'xn--mcf' } });
      expect(prefix.message).to.include('"multicloud-functions:namePrefix"').and.include('xn--mcf-originals-<account id>').and.include('no reserved prefix (xn--)');
    });
  });

  describe('API Gateway HTTP API CORS (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html)', () => {
    // Source: http-api-cors.html: routes with an authorizer catch OPTIONS; a preflight carries no
    // Authorization header, so it needs a route without authorization, with an integration.
    it('with a JWT authorizer, answers preflights on OPTIONS routes without authorization, through the function', async () => {
      for (const mode of modes) {
        const d = await deploy('dev', mode, jwtAndCors);
        const routes = d.ofType(T.route).map((r) => r.inputs);
        const byKey = Object.fromEntries(routes.map((r) => [r.routeKey, r]));
        for (const key of ['ANY /users', 'ANY /users/{id}']) expect(byKey[key], `${mode} ${key}`).to.include({ authorizationType: 'JWT' });
        for (const key of ['OPTIONS /users', 'OPTIONS /users/{id}']) {
          expect(byKey[key], `${mode} ${key}`).to.include({ authorizationType: 'NONE' });
          expect(byKey[key].authorizerId).to.equal(undefined);
        }
        // The function answers those preflights: it must know the origins (204, not 403).
        if (mode === 'up') {
          const env = (d.get(T.fn, 'users-function').inputs.environment as { variables: Record<string, string> }).variables;
          expect(env.USERS_CORS_ORIGINS).to.equal('https://app.example');
        }
      }
    });

    // The preflight route reaches the function: deployed with the stack's environment, it must
    // answer an allowed origin's preflight (no token) 204, or the browser stops there.
    it('the users function, with the environment the stack gives it, answers an allowed preflight 204 without a token', async () => {
      const d = await deploy('dev', 'up', jwtAndCors);
      const env = (d.get(T.fn, 'users-function').inputs.environment as { variables: Record<string, string> }).variables;
      const handler = createUsersHandler({ deps: { users: new MemoryUserRepository(), clock: systemClock, ids: randomIds, logger: silentLogger }, settings: readSettings(usersSpec, env) });
      const captured = eventFixture<ApiGatewayV2Event>('aws', 'apigw-v2-get-with-stage.json');
      const preflight = (origin: string): ApiGatewayV2Event => ({
        ...captured,
        rawPath: '/users/u-1',
        rawQueryString: '',
        body: undefined,
        headers: { host: 'api.example', origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
        requestContext: { ...captured.requestContext, http: { ...captured.requestContext.http, method: 'OPTIONS', path: '/users/u-1' } },
      });
      const allowed = (await handler(preflight('https://app.example'))) as { statusCode: number; headers: Record<string, string> };
      expect(allowed.statusCode).to.equal(204);
      expect(allowed.headers['access-control-allow-headers']).to.include('if-none-match');
      const other = (await handler(preflight('https://evil.example'))) as { statusCode: number };
      expect(other.statusCode).to.equal(403);
    });

    // Source: http-api-cors.html, allowHeaders: a preflight for a header not listed fails.
    it('allows every request header the users API reads, If-None-Match included, in every stack', async () => {
      for (const d of [...await runs({}), await deploy('dev', 'up', jwtAndCors)]) {
        const cors = d.get(T.api, 'users-api-api').inputs.corsConfiguration as { allowHeaders: string[] } | undefined;
        if (!cors) continue;
        expect(cors.allowHeaders, d.stack).to.include.members([...allowedRequestHeaders]).and.include('if-none-match');
      }
    });
  });

  describe('Lambda provisioned concurrency (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html)', () => {
    // Source: configuration-concurrency.html: "You can reserve up to the Unreserved account
    // concurrency value minus 100"; the default quota is 1,000 per Region (gettingstarted-limits.html).
    it('refuses warm instances that cannot fit beside the 100 Lambda keeps unreserved, in total across functions', async () => {
      const one = await deployError('dev', 'up', { overrides: { functions: { users: { warmInstances: 901 } } } });
      expect(one.message).to.include('functions.users.warmInstances').and.include('an integer from 0 to 900');
      const sum = await deployError('dev', 'up', { overrides: { functions: { users: { warmInstances: 400 }, orders: { warmInstances: 300 }, images: { warmInstances: 201 } } } });
      expect(sum.message).to.include('functions.users.warmInstances').and.include('totalling at most 900').and.include('now 901').and.include('Service Quotas');
      const fits = await deploy('dev', 'up', { overrides: { functions: { users: { warmInstances: 600 }, orders: { warmInstances: 300 } } } });
      expect(fits.ofType(T.warm).map((w) => w.inputs.provisionedConcurrentExecutions).sort()).to.deep.equal([300, 600]);
    });
  });

  describe('CloudWatch alarm actions', () => {
    // Source: PutMetricAlarm refuses a topic of another Region, "Invalid region ca-central-1
    // specified. Only us-west-2 is supported." (cds-snc/notification-terraform#128).
    it('refuses an alarm topic outside the stack\'s Region, and uses one inside it', async () => {
      const error = await deployError('dev', 'up', { overrides: { alarmTopicArn: `arn:aws:sns:us-east-1:${awsAccountId}:ops` } });
      expect(error.message).to.include('"multicloud-functions:alarmTopicArn"').and.include("an SNS topic in the stack's Region eu-west-1").and.include('us-east-1');
      const ok = await deploy('dev', 'up', { overrides: { alarmTopicArn: `arn:aws:sns:eu-west-1:${awsAccountId}:ops` } });
      for (const alarm of ok.ofType(T.alarm)) expect(alarm.inputs.alarmActions).to.deep.equal([`arn:aws:sns:eu-west-1:${awsAccountId}:ops`]);
    });
  });

  describe('every variant deploys in both modes', () => {
    for (const [label, variant] of Object.entries(variants)) {
      it(`${label}: up and preview register the same resources`, async () => {
        const [up, preview] = [await deploy('dev', 'up', variant), await deploy('dev', 'preview', variant)];
        const names = (d: Deployment) => d.resources.map((r) => `${r.type} ${r.name}`).sort();
        expect(names(preview)).to.deep.equal(names(up));
      });
    }
  });
});
