/**
 * The AWS dev stack (Pulumi.dev.yaml) under mocks: every resource the design names, with the
 * inputs that matter, its parent and its dependencies.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { awsEnvironment } from '../../adapters/aws/environment';
import { ordersTableDefinition, usersTableDefinition } from '../../adapters/aws/tables';
import { settingName } from '../../handlers/settings';
import { allSpecs, functionSpecs } from '../../handlers/specs';
import { packageEntry } from '../../infra/aws/function';
import { projectRoot } from '../../infra/packages';
import { fakePackages, physicalName, removeDir, Resources, runWith, type StackRun } from './harness';

const T = {
  fn: 'aws:lambda/function:Function',
  role: 'aws:iam/role:Role',
  policy: 'aws:iam/rolePolicy:RolePolicy',
  logs: 'aws:cloudwatch/logGroup:LogGroup',
  bucket: 'aws:s3/bucket:Bucket',
  publicBlock: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  encryption: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  lifecycle: 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  notification: 'aws:s3/bucketNotification:BucketNotification',
  permission: 'aws:lambda/permission:Permission',
  invokeConfig: 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig',
  queue: 'aws:sqs/queue:Queue',
  topic: 'aws:sns/topic:Topic',
  mapping: 'aws:lambda/eventSourceMapping:EventSourceMapping',
  table: 'aws:dynamodb/table:Table',
  api: 'aws:apigatewayv2/api:Api',
  integration: 'aws:apigatewayv2/integration:Integration',
  route: 'aws:apigatewayv2/route:Route',
  stage: 'aws:apigatewayv2/stage:Stage',
  authorizer: 'aws:apigatewayv2/authorizer:Authorizer',
  alarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  alias: 'aws:lambda/alias:Alias',
  warm: 'aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig',
};
const region = 'eu-west-1';
const account = '123456789012';

interface PolicyStatement { Sid: string; Effect: string; Action: string[]; Resource: string[] }
function statements(r: Resources, fn: string): PolicyStatement[] {
  return (JSON.parse(r.get(T.policy, `${fn}-policy`).inputs.policy as string) as { Statement: PolicyStatement[] }).Statement;
}

describe('infra: the AWS dev stack under mocks', function () {
  this.timeout(60000);
  let packages: string;
  let run: StackRun;
  let r: Resources;
  const stackFile = parse(readFileSync(path.join(projectRoot, 'Pulumi.dev.yaml'), 'utf8')) as { config: Record<string, unknown> };

  before(async () => {
    packages = fakePackages('aws', allSpecs.map((s) => s.name), packageEntry);
    run = await runWith('dev', packages);
    r = new Resources(run.resources);
  });
  after(() => removeDir(packages));

  it('reads the dev stack file: cloud aws in the stack region', () => {
    expect(stackFile.config['multicloud-functions:cloud']).to.equal('aws');
    expect(stackFile.config['aws:region']).to.equal(region);
    expect(run.outputs.eventsTopicArn).to.equal(`arn:aws:sns:${region}:${account}:mcf-dev-order-events`);
  });

  it('builds each function as arm64 nodejs22.x with memory and timeout from the specs, inside its component', () => {
    for (const spec of allSpecs) {
      const fn = r.get(T.fn, `${spec.name}-function`);
      expect(fn.inputs, spec.name).to.include({ runtime: 'nodejs22.x', handler: 'index.handler', memorySize: spec.memoryMb, timeout: spec.timeoutSeconds, name: `mcf-dev-${spec.name}` });
      expect(fn.inputs.architectures).to.deep.equal(['arm64']);
      // Pulumi.dev.yaml turns tracing on.
      expect(fn.inputs.tracingConfig).to.deep.equal({ mode: 'Active' });
      expect(r.parentOf(fn)).to.include({ type: 'multicloud:aws:Function', name: spec.name });
      const deps = r.dependenciesOf(fn).map((d) => `${d.type} ${d.name}`);
      expect(deps).to.include.members([`${T.policy} ${spec.name}-policy`, `${T.logs} ${spec.name}-logs`, `${T.role} ${spec.name}-role`]);
    }
  });

  it('gives each function a log group named for it, with the stack retention', () => {
    for (const spec of allSpecs) {
      expect(r.get(T.logs, `${spec.name}-logs`).inputs).to.include({ name: `/aws/lambda/mcf-dev-${spec.name}`, retentionInDays: 14 });
      expect(r.get(T.fn, `${spec.name}-function`).inputs.loggingConfig).to.deep.include({ logGroup: `/aws/lambda/mcf-dev-${spec.name}` });
    }
  });

  it('sets exactly the environment names the AWS adapters read', () => {
    const env = (fn: string) => (r.get(T.fn, `${fn}-function`).inputs.environment as { variables: Record<string, string> }).variables;
    expect(env('images')).to.deep.equal({
      [awsEnvironment.images.originalsBucket]: 'mcf-dev-originals-123456789012',
      [awsEnvironment.images.compressedBucket]: 'mcf-dev-compressed-123456789012',
      [awsEnvironment.images.deadLetterQueueUrl]: `https://sqs.${region}.amazonaws.com/${account}/mcf-dev-images-dead-letters`,
    });
    expect(env('users')).to.deep.equal({
      [awsEnvironment.users.usersTable]: 'mcf-dev-users-table',
      [awsEnvironment.users.originalsBucket]: 'mcf-dev-originals-123456789012',
      [awsEnvironment.users.compressedBucket]: 'mcf-dev-compressed-123456789012',
      // The ANY routes catch a browser's preflight and hand it to the function, which must answer an
      // allowed origin 204: it knows the origins the API lists (infra/aws/users-api.ts).
      [settingName('users', 'corsOrigins')]: 'http://localhost:5173',
    });
    expect(env('orders')).to.deep.equal({
      [awsEnvironment.orders.ordersTable]: 'mcf-dev-orders-table',
      [awsEnvironment.orders.paymentsQueueUrl]: `https://sqs.${region}.amazonaws.com/${account}/mcf-dev-payments-queue`,
      [awsEnvironment.orders.eventsTopicArn]: `arn:aws:sns:${region}:${account}:mcf-dev-order-events`,
      [awsEnvironment.orders.deadLetterQueueUrl]: `https://sqs.${region}.amazonaws.com/${account}/mcf-dev-orders-dead-letters`,
      [settingName('orders', 'maxDeliveries')]: '5',
    });
  });

  it('scopes every IAM statement to the exact resources; "*" only for X-Ray', () => {
    const logs = (fn: string) => `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/mcf-dev-${fn}:*`;
    const queue = (q: string) => `arn:aws:sqs:${region}:${account}:${q}`;
    const table = (t: string) => `arn:aws:dynamodb:${region}:${account}:table/${t}`;
    const xray = { Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] };
    const resourcesBySid = (fn: string) => Object.fromEntries(statements(r, fn).map((s) => [s.Sid, s.Resource]));
    expect(resourcesBySid('images')).to.deep.equal({
      WriteOwnLogs: [logs('images')],
      ReadOriginals: ['arn:aws:s3:::mcf-dev-originals-123456789012/*'],
      CheckAndWriteCompressed: ['arn:aws:s3:::mcf-dev-compressed-123456789012/*'],
      TellMissingObjects: ['arn:aws:s3:::mcf-dev-originals-123456789012', 'arn:aws:s3:::mcf-dev-compressed-123456789012'],
      SendDeadLetters: [queue('mcf-dev-images-dead-letters')],
      SendTraces: ['*'],
    });
    expect(resourcesBySid('users')).to.deep.equal({
      WriteOwnLogs: [logs('users')],
      UserItems: [table('mcf-dev-users-table')],
      ListUsers: [`${table('mcf-dev-users-table')}/index/users-by-id`],
      PresignUploads: ['arn:aws:s3:::mcf-dev-originals-123456789012/*'],
      PresignDownloads: ['arn:aws:s3:::mcf-dev-compressed-123456789012/*'],
      ListCompressed: ['arn:aws:s3:::mcf-dev-compressed-123456789012'],
      SendTraces: ['*'],
    });
    expect(resourcesBySid('orders')).to.deep.equal({
      WriteOwnLogs: [logs('orders')],
      OrderItems: [table('mcf-dev-orders-table')],
      FindPendingOutboxes: [`${table('mcf-dev-orders-table')}/index/outbox-pending`],
      ConsumeOrders: [queue('mcf-dev-orders-queue')],
      SendPaymentsAndDeadLetters: [queue('mcf-dev-payments-queue'), queue('mcf-dev-orders-dead-letters')],
      PublishEvents: [`arn:aws:sns:${region}:${account}:mcf-dev-order-events`],
      SendTraces: ['*'],
    });
    for (const fn of ['images', 'users', 'orders']) {
      expect(statements(r, fn).filter((s) => s.Resource.includes('*'))).to.deep.equal([xray]);
      expect(statements(r, fn).every((s) => s.Effect === 'Allow' && s.Action.every((a) => !a.includes('*')))).to.equal(true);
      expect(JSON.parse(r.get(T.role, `${fn}-role`).inputs.assumeRolePolicy as string).Statement[0].Principal).to.deep.equal({ Service: 'lambda.amazonaws.com' });
    }
  });

  it('blocks public access to both buckets and encrypts them', () => {
    for (const b of ['originals', 'compressed']) {
      expect(r.get(T.bucket, `uploads-${b}`).inputs.bucket).to.equal(`mcf-dev-${b}-123456789012`);
      expect(r.get(T.publicBlock, `uploads-${b}-private`).inputs).to.include({ bucket: `mcf-dev-${b}-123456789012`, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      const rules = r.get(T.encryption, `uploads-${b}-encryption`).inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[];
      expect(rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal('AES256');
    }
  });

  it('expires originals after 30 days and never the compressed images', () => {
    const lifecycles = r.ofType(T.lifecycle);
    expect(lifecycles.map((l) => l.inputs.bucket)).to.deep.equal(['mcf-dev-originals-123456789012']);
    expect(lifecycles[0].inputs.rules).to.deep.include({ id: 'expire-originals', status: 'Enabled', filter: { prefix: '' }, expiration: { days: 30 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } });
  });

  it('has ONE notification, on originals, for every created object, after the S3 permission exists', () => {
    const notifications = r.ofType(T.notification);
    expect(notifications).to.have.length(1);
    const n = notifications[0];
    expect(n.inputs.bucket).to.equal('mcf-dev-originals-123456789012');
    // No suffix filter: S3's are case-sensitive, the core filters suffixes case-insensitively.
    expect(n.inputs.lambdaFunctions).to.deep.equal([{ lambdaFunctionArn: `arn:aws:lambda:${region}:${account}:function:mcf-dev-images`, events: ['s3:ObjectCreated:*'] }]);
    expect(r.dependenciesOf(n).map((d) => d.name)).to.include('uploads-invoke');
    expect(r.get(T.permission, 'uploads-invoke').inputs).to.include({ action: 'lambda:InvokeFunction', function: 'mcf-dev-images', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::mcf-dev-originals-123456789012', sourceAccount: account });
  });

  it('retries asynchronous image events, then sends them to the images dead-letter queue', () => {
    const config = r.get(T.invokeConfig, 'uploads-async').inputs;
    expect(config).to.include({ functionName: 'mcf-dev-images', maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 });
    expect(config.destinationConfig).to.deep.equal({ onFailure: { destination: `arn:aws:sqs:${region}:${account}:mcf-dev-images-dead-letters` } });
    expect(r.get(T.queue, 'uploads-dead-letters').inputs.messageRetentionSeconds).to.equal(1209600);
  });

  it('dead-letters orders after maxReceiveCount, with a visibility timeout of six function timeouts', () => {
    const orders = r.get(T.queue, 'orders-pipeline-orders').inputs;
    expect(JSON.parse(orders.redrivePolicy as string)).to.deep.equal({ deadLetterTargetArn: `arn:aws:sqs:${region}:${account}:mcf-dev-orders-dead-letters`, maxReceiveCount: 5 });
    expect(orders.visibilityTimeoutSeconds).to.equal(6 * functionSpecs.orders.timeoutSeconds);
    expect(r.get(T.queue, 'orders-pipeline-dead-letters').inputs.messageRetentionSeconds).to.equal(14 * 24 * 3600);
    expect(r.get(T.queue, 'orders-pipeline-payments').inputs.name).to.equal('mcf-dev-payments-queue');
    expect(r.get(T.topic, 'orders-pipeline-events').inputs.name).to.equal('mcf-dev-order-events');
  });

  it('maps the orders queue to the function with ReportBatchItemFailures, after the function and its policy', () => {
    const mapping = r.get(T.mapping, 'orders-pipeline-delivery');
    expect(mapping.inputs).to.include({ eventSourceArn: `arn:aws:sqs:${region}:${account}:mcf-dev-orders-queue`, functionName: `arn:aws:lambda:${region}:${account}:function:mcf-dev-orders`, batchSize: 10 });
    expect(mapping.inputs.functionResponseTypes).to.deep.equal(['ReportBatchItemFailures']);
    expect(r.dependenciesOf(mapping).map((d) => d.name)).to.include.members(['orders-function', 'orders-policy']);
  });

  it('keeps the tables on demand with point-in-time recovery; dev turns deletion protection off', () => {
    for (const t of ['users', 'orders']) {
      const table = r.get(T.table, `tables-${t}`).inputs;
      expect(table).to.include({ name: `mcf-dev-${t}-table`, billingMode: 'PAY_PER_REQUEST', deletionProtectionEnabled: false });
      expect(table.pointInTimeRecovery).to.deep.equal({ enabled: true });
    }
  });

  it('creates the keys and indexes the AWS adapters query (adapters/aws/tables.ts)', () => {
    const users = r.get(T.table, 'tables-users').inputs;
    expect(users.hashKey).to.equal(usersTableDefinition.KeySchema[0].AttributeName);
    expect(users.attributes).to.have.deep.members(usersTableDefinition.AttributeDefinitions.map((a) => ({ name: a.AttributeName, type: a.AttributeType })));
    const index = usersTableDefinition.GlobalSecondaryIndexes[0];
    expect(users.globalSecondaryIndexes).to.deep.equal([{ name: index.IndexName, keySchemas: index.KeySchema.map((k) => ({ attributeName: k.AttributeName, keyType: k.KeyType })), projectionType: 'ALL' }]);
    const orders = r.get(T.table, 'tables-orders').inputs;
    expect([orders.hashKey, orders.rangeKey]).to.deep.equal(ordersTableDefinition.KeySchema.map((k) => k.AttributeName));
    // the sparse index of pending outbox entries the sweeper queries, keys only
    expect(orders.globalSecondaryIndexes).to.deep.equal([
      { name: 'outbox-pending', keySchemas: [{ attributeName: 'outbox_pending', keyType: 'HASH' }, { attributeName: 'pending_since', keyType: 'RANGE' }], projectionType: 'KEYS_ONLY' },
    ]);
    expect(orders.attributes).to.have.deep.members(ordersTableDefinition.AttributeDefinitions.map((a) => ({ name: a.AttributeName, type: a.AttributeType })));
  });

  it('serves ANY /users, ANY /users/{id} and ANY /users/{id}/{proxy+} over payload 2.0, throttled, invoked only from this API', () => {
    const api = r.get(T.api, 'users-api-api').inputs;
    expect(api).to.include({ name: 'mcf-dev-users-api', protocolType: 'HTTP' });
    // Pulumi.dev.yaml lists one origin: the API owns CORS.
    expect(api.corsConfiguration).to.deep.include({ allowOrigins: ['http://localhost:5173'] });
    expect(r.get(T.integration, 'users-api-integration').inputs).to.include({ integrationType: 'AWS_PROXY', payloadFormatVersion: '2.0', integrationUri: `arn:aws:lambda:${region}:${account}:function:mcf-dev-users` });
    const routes = r.ofType(T.route);
    expect(routes.map((x) => x.inputs.routeKey)).to.have.members(['ANY /users', 'ANY /users/{id}', 'ANY /users/{id}/{proxy+}', 'GET /openapi.json']);
    for (const route of routes) expect(route.inputs).to.include({ authorizationType: 'NONE', target: 'integrations/users-api-integration-id' });
    expect(r.ofType(T.authorizer)).to.have.length(0);
    expect(r.get(T.stage, 'users-api-stage').inputs).to.deep.include({ name: '$default', autoDeploy: true, defaultRouteSettings: { throttlingRateLimit: 50, throttlingBurstLimit: 100 } });
    expect(r.get(T.permission, 'users-api-invoke').inputs).to.include({ function: 'mcf-dev-users', principal: 'apigateway.amazonaws.com', sourceArn: `arn:aws:execute-api:${region}:${account}:api-mcf-dev-users-api/*/*` });
    expect(run.outputs.usersApiUrl).to.equal(`https://api-mcf-dev-users-api.execute-api.${region}.amazonaws.com/`);
  });

  it('alarms on errors of each function and on any dead letter', () => {
    const alarms = r.ofType(T.alarm).map((a) => a.inputs);
    const errors = alarms.filter((a) => a.metricName === 'Errors');
    expect(errors.map((a) => a.dimensions)).to.have.deep.members(allSpecs.map((s) => ({ FunctionName: `mcf-dev-${s.name}` })));
    const dlq = alarms.filter((a) => a.namespace === 'AWS/SQS');
    expect(dlq.map((a) => a.dimensions)).to.have.deep.members([{ QueueName: 'mcf-dev-images-dead-letters' }, { QueueName: 'mcf-dev-orders-dead-letters' }]);
    for (const a of alarms) expect(a).to.include({ comparisonOperator: 'GreaterThanThreshold', threshold: 0 });
    // No alarm topic in the dev stack.
    for (const a of alarms) expect(a.alarmActions).to.deep.equal([]);
  });

  it('exports the API URL, bucket names, queue URLs, topic ARN and function names', () => {
    expect(run.outputs).to.deep.include({
      originalsBucketName: 'mcf-dev-originals-123456789012',
      compressedBucketName: 'mcf-dev-compressed-123456789012',
      ordersQueueUrl: `https://sqs.${region}.amazonaws.com/${account}/mcf-dev-orders-queue`,
      paymentsQueueUrl: `https://sqs.${region}.amazonaws.com/${account}/mcf-dev-payments-queue`,
      functionNames: { images: 'mcf-dev-images', users: 'mcf-dev-users', orders: 'mcf-dev-orders' },
    });
  });

  it('gives no two resources the same physical name', () => {
    const named = run.resources.filter((x) => x.custom).map((x) => ({ x, name: physicalName(x) })).filter((n) => n.name !== undefined);
    expect(named.length).to.be.greaterThan(25);
    const seen = new Map<string, string>();
    for (const { x, name } of named) {
      expect(seen.get(name!), `${x.type} ${x.name} reuses "${name}"`).to.equal(undefined);
      seen.set(name!, `${x.type} ${x.name}`);
    }
  });
});
