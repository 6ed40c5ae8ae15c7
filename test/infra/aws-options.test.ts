/**
 * The AWS stack's switches, each flipped from the dev stack: warm instances (an alias that every
 * trigger then targets), the JWT authorizer, CORS left to the function's absence, the alarm topic,
 * tracing off, deletion protection by default.
 */
import { expect } from 'chai';
import { allSpecs } from '../../handlers/specs';
import { aliasName, packageEntry } from '../../infra/aws/function';
import { fakePackages, removeDir, Resources, runWith } from './harness';

const region = 'eu-west-1';
const account = '123456789012';
const fnArn = (fn: string) => `arn:aws:lambda:${region}:${account}:function:mcf-dev-${fn}`;

describe('infra: AWS stack options', function () {
  this.timeout(60000);
  let packages: string;
  before(() => {
    packages = fakePackages('aws', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  it('keeps instances warm through an alias that the mapping, integration, notification and permissions target', async () => {
    const warm = { images: { warmInstances: 1 }, users: { warmInstances: 2 }, orders: { warmInstances: 3 } };
    const r = new Resources((await runWith('dev', packages, { overrides: { functions: warm } })).resources);
    for (const [fn, { warmInstances }] of Object.entries(warm)) {
      expect(r.get('aws:lambda/function:Function', `${fn}-function`).inputs.publish).to.equal(true);
      expect(r.get('aws:lambda/alias:Alias', `${fn}-alias`).inputs).to.include({ name: aliasName, functionName: `mcf-dev-${fn}`, functionVersion: '1' });
      expect(r.get('aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig', `${fn}-warm`).inputs).to.include({ functionName: `mcf-dev-${fn}`, qualifier: aliasName, provisionedConcurrentExecutions: warmInstances });
    }
    expect(r.get('aws:lambda/eventSourceMapping:EventSourceMapping', 'orders-pipeline-delivery').inputs.functionName).to.equal(`${fnArn('orders')}:${aliasName}`);
    expect(r.get('aws:apigatewayv2/integration:Integration', 'users-api-integration').inputs.integrationUri).to.equal(`${fnArn('users')}:${aliasName}`);
    expect(r.get('aws:s3/bucketNotification:BucketNotification', 'uploads-originals-created').inputs.lambdaFunctions).to.deep.equal([{ lambdaFunctionArn: `${fnArn('images')}:${aliasName}`, events: ['s3:ObjectCreated:*'] }]);
    for (const p of ['uploads-invoke', 'users-api-invoke']) expect(r.get('aws:lambda/permission:Permission', p).inputs.qualifier).to.equal(aliasName);
    expect(r.get('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'uploads-async').inputs.qualifier).to.equal(aliasName);
  });

  it('publishes no version and targets the function itself without warm instances', async () => {
    const r = new Resources((await runWith('dev', packages)).resources);
    expect(r.ofType('aws:lambda/alias:Alias')).to.deep.equal([]);
    expect(r.get('aws:lambda/function:Function', 'users-function').inputs.publish).to.equal(false);
    expect(r.get('aws:lambda/permission:Permission', 'users-api-invoke').inputs.qualifier).to.equal(undefined);
  });

  it('puts a JWT authorizer on both routes and tells the function the issuer and audience (no usersPublic needed)', async () => {
    // With tokens verified the API is not open: usersPublic false is accepted.
    const r = new Resources((await runWith('dev', packages, { overrides: { jwtIssuer: 'https://issuer.example', jwtAudience: 'users-api', usersPublic: false } })).resources);
    const authorizer = r.get('aws:apigatewayv2/authorizer:Authorizer', 'users-api-jwt').inputs;
    expect(authorizer).to.deep.include({ authorizerType: 'JWT', identitySources: ['$request.header.Authorization'], jwtConfiguration: { issuer: 'https://issuer.example', audiences: ['users-api'] } });
    // The ANY routes; the preflight routes carry none (test/infra/deploy-rules/aws.test.ts).
    for (const route of r.ofType('aws:apigatewayv2/route:Route').filter((x) => String(x.inputs.routeKey).startsWith('ANY '))) {
      expect(route.inputs).to.include({ authorizationType: 'JWT', authorizerId: 'users-api-jwt-id' });
    }
    // the API's description is public, as documentation is
    expect(r.ofType('aws:apigatewayv2/route:Route').find((x) => x.inputs.routeKey === 'GET /openapi.json')!.inputs).to.include({ authorizationType: 'NONE' });
    const env = (r.get('aws:lambda/function:Function', 'users-function').inputs.environment as { variables: Record<string, string> }).variables;
    expect(env).to.include({ USERS_JWT_ISSUER: 'https://issuer.example', USERS_JWT_AUDIENCE: 'users-api' });
  });

  it('leaves CORS out of the API without origins, and never gives the function CORS origins', async () => {
    const r = new Resources((await runWith('dev', packages, { remove: ['corsOrigins'] })).resources);
    expect(r.get('aws:apigatewayv2/api:Api', 'users-api-api').inputs.corsConfiguration).to.equal(undefined);
    const env = (r.get('aws:lambda/function:Function', 'users-function').inputs.environment as { variables: Record<string, string> }).variables;
    expect(Object.keys(env)).to.not.include('USERS_CORS_ORIGINS');
  });

  it('sends alarms to the alarm topic when one is set', async () => {
    const topic = `arn:aws:sns:${region}:${account}:ops-alarms`;
    const r = new Resources((await runWith('dev', packages, { overrides: { alarmTopicArn: topic } })).resources);
    const alarms = r.ofType('aws:cloudwatch/metricAlarm:MetricAlarm');
    expect(alarms).to.have.length(5);
    for (const a of alarms) expect(a.inputs).to.deep.include({ alarmActions: [topic], okActions: [topic] });
  });

  it('without tracing: PassThrough and no X-Ray statement; tables protected by default', async () => {
    const r = new Resources((await runWith('dev', packages, { remove: ['tracing', 'deletionProtection'] })).resources);
    for (const spec of allSpecs) {
      expect(r.get('aws:lambda/function:Function', `${spec.name}-function`).inputs.tracingConfig).to.deep.equal({ mode: 'PassThrough' });
      expect(r.get('aws:iam/rolePolicy:RolePolicy', `${spec.name}-policy`).inputs.policy).to.not.include('xray').and.not.include('"*"');
    }
    for (const t of r.ofType('aws:dynamodb/table:Table')) expect(t.inputs.deletionProtectionEnabled).to.equal(true);
  });
});
