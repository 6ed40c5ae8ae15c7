/**
 * The AWS audit (docs/deploy-rules.md, "AWS"), resource type by resource type: what each AWS API
 * refuses at create/update time, checked on the inputs that would go over the wire, for every AWS
 * stack file and the variants a user sets. Names are checked in up and preview mode (they are
 * known in both); rules on values computed from other resources (ARNs, policy documents) in up.
 */
import { expect } from 'chai';
import type { RecordedResource } from '../../../infra/offline/recorder';
import { logRetentionDays } from '../../../infra/config';
import { committedStack, deploy, modes, stacks, type Deployment, type Variant } from './support';

const variants: Record<string, Variant> = {
  'JWT + CORS': { overrides: { jwtIssuer: 'https://issuer.example', jwtAudience: 'users-api', usersPublic: false, corsOrigins: ['https://app.example'] } },
  'warm instances': { overrides: { functions: { users: { warmInstances: 2 }, orders: { warmInstances: 1 } } } },
  'long name prefix': { overrides: { namePrefix: 'a23456789-123456789-123456789x' } },
};

const cache = new Map<string, Promise<Deployment>>();
function run(stack: string, mode: 'up' | 'preview', label?: string): Promise<Deployment> {
  if (!label) return committedStack(stack, mode);
  const key = `${stack} ${mode} ${label}`;
  if (!cache.has(key)) cache.set(key, deploy(stack, mode, variants[label]));
  return cache.get(key)!;
}

/** Every AWS stack file and variant, in the given modes. */
async function everyRun(inModes: readonly ('up' | 'preview')[] = modes): Promise<Deployment[]> {
  const all: Deployment[] = [];
  for (const stack of stacks('aws')) for (const mode of inModes) for (const label of [undefined, ...Object.keys(variants)]) all.push(await run(stack, mode, label));
  return all;
}

const inputsOf = (d: Deployment, type: string) => d.ofType(type).map((r) => r.inputs);
const where = (d: Deployment, r?: RecordedResource) => `${d.stack} (${d.mode})${r ? ` ${r.name}` : ''}`;

describe('deploy rules: AWS resource by resource', function () {
  this.timeout(300000);

  // Lambda CreateFunction: FunctionName 1-64 [a-zA-Z0-9-_], Description <= 256, MemorySize 128-10240,
  // Timeout 1-900 (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html); reserved
  // environment keys (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime);
  // 4 KB of environment in aggregate (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
  it('Lambda functions: name, description, memory, timeout, reserved and oversized environments', async () => {
    const reserved = ['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR'];
    for (const d of await everyRun()) {
      for (const fn of d.ofType('aws:lambda/function:Function')) {
        const i = fn.inputs as { name: string; description?: string; memorySize: number; timeout: number; runtime: string; architectures: string[]; environment?: { variables: Record<string, string> } };
        expect(i.name, where(d, fn)).to.match(/^[a-zA-Z0-9_-]{1,64}$/);
        expect((i.description ?? '').length, where(d, fn)).to.be.at.most(256);
        expect(i.memorySize).to.be.within(128, 10240);
        expect(i.timeout).to.be.within(1, 900);
        expect([i.runtime, i.architectures]).to.deep.equal(['nodejs22.x', ['arm64']]);
        if (d.mode !== 'up') continue;
        const variables = i.environment?.variables ?? {};
        expect(Object.keys(variables).filter((k) => reserved.includes(k)), where(d, fn)).to.deep.equal([]);
        const bytes = Object.entries(variables).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
        expect(bytes, where(d, fn)).to.be.at.most(4096);
      }
    }
  });

  // A function writing logs before its log group exists makes Lambda create it, and the log
  // group's own CreateLogGroup then fails with ResourceAlreadyExistsException: the function waits
  // for it. Names 1-512 [.-_/#A-Za-z0-9]; retention one of the listed values
  // (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html, API_PutRetentionPolicy.html).
  it('CloudWatch log groups: name, retention, created before the function', async () => {
    for (const d of await everyRun()) {
      for (const fn of d.ofType('aws:lambda/function:Function')) {
        const group = d.get('aws:cloudwatch/logGroup:LogGroup', fn.name.replace(/-function$/, '-logs'));
        expect(group.inputs.name).to.match(/^[.\-_/#A-Za-z0-9]{1,512}$/).and.equal(`/aws/lambda/${String(fn.inputs.name)}`);
        expect(logRetentionDays as readonly unknown[]).to.include(group.inputs.retentionInDays);
        expect(fn.dependencies, where(d, fn)).to.include(group.urn);
      }
    }
  });

  // IAM: RoleName 1-64 [\w+=,.@-], unique per ACCOUNT (not per Region), PolicyName 1-128; inline
  // policies of a role at most 10,240 characters in aggregate, a trust policy at most 2,048
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
  it('IAM roles and inline policies: names, policy and trust policy sizes', async () => {
    for (const d of await everyRun()) {
      for (const role of d.ofType('aws:iam/role:Role')) {
        expect(role.inputs.name, where(d, role)).to.match(/^[\w+=,.@-]{1,64}$/);
        expect(String(role.inputs.assumeRolePolicy).length).to.be.at.most(2048);
      }
      for (const policy of d.ofType('aws:iam/rolePolicy:RolePolicy')) {
        expect(policy.inputs.name, where(d, policy)).to.match(/^[\w+=,.@-]{1,128}$/);
        if (d.mode === 'up') expect(String(policy.inputs.policy).replace(/\s/g, '').length, where(d, policy)).to.be.at.most(10240);
      }
    }
  });

  // CreateEventSourceMapping refuses a queue whose visibility timeout is below the function's
  // timeout ("Queue visibility timeout: 30 seconds is less than Function timeout"), and checks the
  // role can ReceiveMessage, DeleteMessage and GetQueueAttributes; above 10 records a batching
  // window is required (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html, services-sqs-configure.html).
  it('SQS event source mapping: visibility covers the timeout, batch size, role permissions in place first', async () => {
    for (const d of await everyRun(['up'])) {
      const mapping = d.get('aws:lambda/eventSourceMapping:EventSourceMapping', 'orders-pipeline-delivery');
      const queue = d.get('aws:sqs/queue:Queue', 'orders-pipeline-orders');
      const fn = d.get('aws:lambda/function:Function', 'orders-function');
      expect(Number(queue.inputs.visibilityTimeoutSeconds)).to.be.at.least(Number(fn.inputs.timeout));
      expect(Number(mapping.inputs.batchSize)).to.be.within(1, 10);
      const policy = JSON.parse(String(d.get('aws:iam/rolePolicy:RolePolicy', 'orders-policy').inputs.policy)) as { Statement: { Action: string[]; Resource: string[] }[] };
      const onQueue = policy.Statement.filter((s) => s.Resource.includes(String(mapping.inputs.eventSourceArn))).flatMap((s) => s.Action);
      expect(onQueue).to.include.members(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']);
    }
  });

  // SQS CreateQueue: names up to 80 [A-Za-z0-9_-] (".fifo" for FIFO), retention 60-1,209,600 s,
  // maxReceiveCount 1-1,000; a message's age counts from its first enqueue, so a dead-letter queue
  // keeping messages shorter than its source would drop them on arrival
  // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
  it('SQS queues: names, retention, redrive to a queue that keeps messages longer', async () => {
    for (const d of await everyRun()) {
      for (const q of d.ofType('aws:sqs/queue:Queue')) {
        expect(q.inputs.name, where(d, q)).to.match(/^[A-Za-z0-9_-]{1,80}$/);
        if (q.inputs.messageRetentionSeconds !== undefined) expect(Number(q.inputs.messageRetentionSeconds)).to.be.within(60, 1209600);
      }
      if (d.mode !== 'up') continue;
      const source = d.get('aws:sqs/queue:Queue', 'orders-pipeline-orders').inputs;
      const redrive = JSON.parse(String(source.redrivePolicy)) as { maxReceiveCount: number };
      expect(redrive.maxReceiveCount).to.be.within(1, 1000);
      const dlq = d.get('aws:sqs/queue:Queue', 'orders-pipeline-dead-letters').inputs;
      expect(Number(dlq.messageRetentionSeconds)).to.be.greaterThan(Number(source.messageRetentionSeconds));
    }
  });

  // SNS CreateTopic: 1-256 [A-Za-z0-9_-] (https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html);
  // DynamoDB CreateTable: 3-255 [a-zA-Z0-9_.-], every AttributeDefinition used by a key schema and
  // every key attribute defined ("Some AttributeDefinitions are not used"), at most 20 global
  // secondary indexes, no provisioned throughput with PAY_PER_REQUEST (API_CreateTable.html, ServiceQuotas.html).
  it('SNS topics and DynamoDB tables: names, key attributes exactly defined, index count, billing', async () => {
    for (const d of await everyRun()) {
      for (const t of d.ofType('aws:sns/topic:Topic')) expect(t.inputs.name, where(d, t)).to.match(/^[A-Za-z0-9_-]{1,256}$/);
      for (const t of d.ofType('aws:dynamodb/table:Table')) {
        const i = t.inputs as { name: string; hashKey: string; rangeKey?: string; attributes: { name: string }[]; globalSecondaryIndexes?: { keySchemas: { attributeName: string }[] }[]; billingMode: string; readCapacity?: number };
        expect(i.name, where(d, t)).to.match(/^[a-zA-Z0-9_.-]{3,255}$/);
        const keys = new Set([i.hashKey, i.rangeKey, ...(i.globalSecondaryIndexes ?? []).flatMap((g) => g.keySchemas.map((k) => k.attributeName))].filter(Boolean));
        expect(new Set(i.attributes.map((a) => a.name)), where(d, t)).to.deep.equal(keys);
        expect((i.globalSecondaryIndexes ?? []).length).to.be.at.most(20);
        expect([i.billingMode, i.readCapacity]).to.deep.equal(['PAY_PER_REQUEST', undefined]);
      }
    }
  });

  // S3 checks that it may invoke the function when the notification is written ("Unable to
  // validate the following destination configurations"), and keeps ONE notification configuration
  // per bucket (Terraform AWS provider, aws_s3_bucket_notification: "S3 Buckets only support a
  // single notification configuration resource"); lifecycle rule ids <= 255 with a Filter
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html).
  it('S3 notifications, lifecycle rules and public access blocks', async () => {
    for (const d of await everyRun()) {
      const notifications = d.ofType('aws:s3/bucketNotification:BucketNotification');
      const perBucket = notifications.map((n) => JSON.stringify(n.inputs.bucket));
      expect(new Set(perBucket).size, where(d)).to.equal(perBucket.length);
      for (const n of notifications) {
        const permission = d.get('aws:lambda/permission:Permission', 'uploads-invoke');
        expect(n.dependencies, where(d, n)).to.include(permission.urn);
        expect(permission.inputs).to.include({ principal: 's3.amazonaws.com' });
      }
      for (const l of d.ofType('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration')) {
        for (const rule of l.inputs.rules as { id: string; filter?: unknown; expiration?: { days: number } }[]) {
          expect(rule.id.length).to.be.within(1, 255);
          expect(rule.filter, where(d, l)).to.not.equal(undefined);
          expect(rule.expiration?.days).to.be.at.least(1);
        }
      }
      expect(d.ofType('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').map((b) => [b.inputs.blockPublicAcls, b.inputs.blockPublicPolicy, b.inputs.ignorePublicAcls, b.inputs.restrictPublicBuckets]))
        .to.deep.equal(d.ofType('aws:s3/bucket:Bucket').map(() => [true, true, true, true]));
    }
  });

  // PutFunctionEventInvokeConfig: MaximumRetryAttempts 0-2, MaximumEventAgeInSeconds 60-21600, and
  // Lambda sends to the destination with the function's own role (invocation-async-retain-records.html).
  // Provisioned concurrency needs a version or alias, never $LATEST; alias names 1-128, not all
  // digits (API_CreateAlias.html, API_PutProvisionedConcurrencyConfig.html).
  it('Lambda event invoke config, aliases and provisioned concurrency', async () => {
    for (const d of await everyRun(['up'])) {
      const config = d.get('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'uploads-async').inputs as { maximumRetryAttempts: number; maximumEventAgeInSeconds: number; destinationConfig: { onFailure: { destination: string } } };
      expect(config.maximumRetryAttempts).to.be.within(0, 2);
      expect(config.maximumEventAgeInSeconds).to.be.within(60, 21600);
      const policy = String(d.get('aws:iam/rolePolicy:RolePolicy', 'images-policy').inputs.policy);
      expect(policy).to.include(config.destinationConfig.onFailure.destination);
      for (const warm of d.ofType('aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig')) {
        const alias = d.ofType('aws:lambda/alias:Alias').find((a) => a.inputs.functionName === warm.inputs.functionName)!;
        expect(warm.inputs.qualifier).to.equal(alias.inputs.name).and.match(/^(?!\d+$)[a-zA-Z0-9_-]{1,128}$/);
        expect(alias.inputs.functionVersion, where(d, alias)).to.not.equal('$LATEST');
        expect(d.ofType('aws:lambda/function:Function').find((f) => f.inputs.name === warm.inputs.functionName)!.inputs.publish).to.equal(true);
      }
    }
  });

  // HTTP APIs: integration timeout 50-30,000 ms (http-api-quotas.html); CORS maxAge <= 86,400 and no
  // credentials with a wildcard origin (API_Cors.html); a JWT route needs its authorizer
  // (http-api-jwt-authorizer.html); API and authorizer names <= 128.
  it('API Gateway HTTP API: names, integration timeout, CORS, JWT routes', async () => {
    for (const d of await everyRun(['up'])) {
      const api = d.get('aws:apigatewayv2/api:Api', 'users-api-api').inputs as { name: string; corsConfiguration?: { maxAge?: number; allowCredentials?: boolean; allowOrigins: string[] } };
      expect(api.name.length).to.be.within(1, 128);
      if (api.corsConfiguration) {
        expect(api.corsConfiguration.maxAge ?? 0).to.be.within(0, 86400);
        if (api.corsConfiguration.allowOrigins.includes('*')) expect(api.corsConfiguration.allowCredentials).to.not.equal(true);
      }
      for (const i of inputsOf(d, 'aws:apigatewayv2/integration:Integration')) expect(i.timeoutMilliseconds).to.be.within(50, 30000);
      for (const r of inputsOf(d, 'aws:apigatewayv2/route:Route')) {
        expect(r.routeKey).to.match(/^(ANY|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \/[^ ]*$/);
        if (r.authorizationType === 'JWT') expect(r.authorizerId, String(r.routeKey)).to.be.a('string');
      }
      for (const a of inputsOf(d, 'aws:apigatewayv2/authorizer:Authorizer')) expect(String(a.name).length).to.be.within(1, 128);
    }
  });

  // PutMetricAlarm: AlarmName 1-255; Period 10, 20, 30 or a multiple of 60; EvaluationPeriods x
  // Period at most 86,400 s (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
  it('CloudWatch alarms: names, period, evaluation window', async () => {
    for (const d of await everyRun()) {
      for (const a of d.ofType('aws:cloudwatch/metricAlarm:MetricAlarm')) {
        const i = a.inputs as { name: string; period: number; evaluationPeriods: number };
        expect(i.name.length, where(d, a)).to.be.within(1, 255);
        expect([10, 20, 30].includes(i.period) || i.period % 60 === 0).to.equal(true);
        expect(i.period * i.evaluationPeriods).to.be.at.most(86400);
      }
    }
  });
});
