/**
 * The ONE typed, validated view of the stack config. Everything the program reads from
 * `Pulumi.yaml` / `Pulumi.<stack>.yaml` goes through `readStackConfig`; a missing or wrong value
 * stops the program with a `RunError` naming the key, the value and what is allowed.
 * Keys are in the project namespace (`multicloud-functions:<key>`); defaults live in Pulumi.yaml.
 */
import * as pulumi from '@pulumi/pulumi';
import { allSpecs, ordersSpec, type FunctionName, type FunctionSpec } from '../handlers/specs';
import { ConfigValues, checkInteger, refuse } from './config-values';
import { memoryProblem, platformLimits, type PlatformLimits } from './limits';

export const clouds = ['aws', 'azure', 'gcp'] as const;
export type Cloud = (typeof clouds)[number];

/** One function as this stack deploys it: the spec, with the overrides the stack sets. */
export interface FunctionPlan {
  spec: FunctionSpec<unknown>;
  memoryMb: number;
  timeoutSeconds: number;
  /** Instances kept warm (AWS provisioned concurrency, Azure always-ready, GCP min instances); 0: none. */
  warmInstances: number;
  /** The most instances the function scales out to; unset: the cloud's default (Google Cloud only, infra/gcp/options.ts). */
  maxInstances?: number;
}

export interface StackConfig {
  project: string;
  stack: string;
  cloud: Cloud;
  limits: PlatformLimits;
  /** Prefix of every physical name, so two stacks in one account do not collide. */
  namePrefix: string;
  /** The bucket names: the stack's, or `<namePrefix>-originals|compressed` (unique within the stack only). */
  originalsBucket: string;
  compressedBucket: string;
  /**
   * The names the stack sets itself (`originalsBucket`, `compressedBucket`); undefined when unset.
   * Where bucket names are global (S3, Cloud Storage) the cloud derives unique defaults instead.
   */
  bucketNamesSet: { originals?: string; compressed?: string };
  originalsExpireDays: number;
  functions: Record<FunctionName, FunctionPlan>;
  /** Deliveries of an order message before it is dead-lettered. */
  maxDeliveries: number;
  /** Minutes between two runs of the outbox sweeper (handlers/orders/sweeper.ts), 1-60. */
  outboxSweepMinutes: number;
  tracing: boolean;
  deletionProtection: boolean;
  usersApi: {
    /** With an issuer, the API verifies bearer tokens before the function runs. */
    jwt?: { issuer: string; audience: string };
    corsOrigins: string[];
    throttle: { rateLimit: number; burstLimit: number };
    /**
     * `usersPublic`: the stack owner says anyone may call the users API. GCP grants allUsers
     * run.invoker with it; on every cloud it is also the policy pack's switch
     * (users-api-not-anonymous, policy/stack-config.ts reads the same key).
     */
    public: boolean;
  };
  /** Where the built packages are (`npm run package` writes `dist/<cloud>/<function>/`). */
  packagesDir: string;
  aws: AwsOptions;
}

/** Knobs only the AWS stack reads. */
export interface AwsOptions {
  logRetentionDays: number;
  imagesRetryAttempts: number;
  imagesMaxEventAgeSeconds: number;
  ordersBatchSize: number;
  alarmTopicArn?: string;
}

/** The values CloudWatch Logs accepts for retentionInDays (PutRetentionPolicy API reference). */
export const logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

// Bucket names valid on S3, GCS and as Azure containers: 3-63 lower-case letters, digits, hyphens.
const bucketName = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
// The prefix leaves room for the longest suffix inside the 64-character Lambda/IAM name limits.
const prefixPattern = /^[a-z][a-z0-9-]{0,29}$/;

export function readStackConfig(project = pulumi.getProject(), stack = pulumi.getStack()): StackConfig {
  const values = new ConfigValues(project);
  const cloud = values.oneOf('cloud', clouds);
  const limits = platformLimits[cloud];
  if (!limits) refuse(values.key('cloud'), cloud, `a cloud this program can deploy yet: ${Object.keys(platformLimits).join(', ')}`);

  const namePrefix = values.text('namePrefix', prefixPattern, 'a lower-case letter then up to 29 lower-case letters, digits or hyphens', `mcf-${stack}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 30));
  const bucketRule = '3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit';
  const originalsBucket = values.text('originalsBucket', bucketName, bucketRule, `${namePrefix}-originals`);
  const compressedBucket = values.text('compressedBucket', bucketName, bucketRule, `${namePrefix}-compressed`);
  // The images function writes into the compressed bucket: if it were the bucket that triggers
  // it, every output would trigger it again, forever.
  if (originalsBucket === compressedBucket) {
    refuse(values.key('compressedBucket'), compressedBucket, `a bucket other than originalsBucket ("${originalsBucket}"): the images function would trigger itself forever`);
  }

  const jwtIssuer = values.text('jwtIssuer', /^https:\/\/\S+$/, 'an https:// issuer URL');
  const jwtAudience = values.text('jwtAudience', /^\S+$/, 'an audience (no spaces)');
  if (jwtIssuer && !jwtAudience) {
    refuse(values.key('jwtAudience'), undefined, 'an audience when jwtIssuer is set (API Gateway JWT authorizers require one)');
  }
  const usersPublic = values.flag('usersPublic', false);
  // On AWS and Azure the users API has no gate but the token check: API Gateway's route has no
  // authorizer without an issuer, and the Azure HTTP trigger is anonymous (adapters/azure/users.ts).
  // Without jwtIssuer the API is open to anyone, so the stack must say so; a private API without
  // tokens would need something the caller has to sign (IAM SigV4 on AWS, function keys on Azure),
  // which the users API's browser clients cannot send, and silently switching to it would turn
  // every request into a 403. Google Cloud is different: there `usersPublic: false` keeps the
  // function private behind Cloud Run IAM (usersInvokers), which is a working choice.
  if (cloud !== 'gcp' && !jwtIssuer && !usersPublic) {
    refuse(values.key('usersPublic'), usersPublic,
      `true when jwtIssuer is unset: the ${cloud} users API then checks no token and anyone can call it. Set jwtIssuer and jwtAudience (tokens verified), or declare the API public`);
  }

  return {
    project,
    stack,
    cloud,
    limits,
    namePrefix,
    originalsBucket,
    compressedBucket,
    bucketNamesSet: {
      originals: values.text('originalsBucket', bucketName, bucketRule),
      compressed: values.text('compressedBucket', bucketName, bucketRule),
    },
    originalsExpireDays: values.integer('originalsExpireDays', 1, 3650, 30),
    functions: readFunctionPlans(values, limits),
    maxDeliveries: values.integer('maxDeliveries', limits.maxDeliveries.min, limits.maxDeliveries.max, ordersSpec.settings.maxDeliveries),
    // 1 minute is the finest every scheduler takes (EventBridge Scheduler rate, Cloud Scheduler
    // cron, an Azure timer can go finer); past an hour a stranded payment waits too long
    outboxSweepMinutes: values.integer('outboxSweepMinutes', 1, 60, 5),
    tracing: values.flag('tracing', false),
    deletionProtection: values.flag('deletionProtection', true),
    usersApi: {
      jwt: jwtIssuer && jwtAudience ? { issuer: jwtIssuer, audience: jwtAudience } : undefined,
      corsOrigins: values.list('corsOrigins'),
      throttle: {
        rateLimit: values.integer('throttleRateLimit', 1, 10000, 50),
        burstLimit: values.integer('throttleBurstLimit', 1, 5000, 100),
      },
      public: usersPublic,
    },
    // Spaces inside a path are fine ("/Users/ana/My Builds"); leading or trailing blanks and line
    // breaks are almost always a paste mistake.
    packagesDir: values.text('packagesDir', /^\S(?:[^\r\n]*\S)?$/, 'a directory path (no leading or trailing blanks, no line breaks)', 'dist'),
    aws: cloud === 'aws' ? readAwsOptions(values) : defaultAwsOptions,
  };
}

/** Each spec with the stack's overrides (`functions.<name>.memoryMb` ...), checked against the platform. */
function readFunctionPlans(values: ConfigValues, limits: PlatformLimits): Record<FunctionName, FunctionPlan> {
  const overrides = values.object('functions') ?? {};
  for (const name of Object.keys(overrides)) {
    if (!allSpecs.some((s) => s.name === name)) refuse(values.key(`functions.${name}`), overrides[name], `a function name: ${allSpecs.map((s) => s.name).join(', ')}`);
  }
  const plans = {} as Record<FunctionName, FunctionPlan>;
  for (const spec of allSpecs) {
    const o = (overrides[spec.name] ?? {}) as Record<string, unknown>;
    const key = (field: string) => values.key(`functions.${spec.name}.${field}`);
    // A misspelt field would otherwise be ignored without a word.
    for (const field of Object.keys(o)) {
      if (!planFields.includes(field)) refuse(key(field), o[field], `a field of ${planFields.join(', ')}`);
    }
    const memoryMb = o.memoryMb === undefined ? spec.memoryMb : Number(o.memoryMb);
    const memoryRule = memoryProblem(limits, memoryMb);
    if (memoryRule) refuse(key('memoryMb'), o.memoryMb ?? memoryMb, `${memoryRule} on ${limits.platform} (${limits.source})`);
    const maxTimeout = limits.maxTimeoutSeconds[spec.trigger];
    const timeoutSeconds = o.timeoutSeconds === undefined ? spec.timeoutSeconds : Number(o.timeoutSeconds);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > maxTimeout) {
      const source = limits.timeoutSources?.[spec.trigger] ?? limits.source;
      refuse(key('timeoutSeconds'), o.timeoutSeconds ?? timeoutSeconds, `an integer from 1 to ${maxTimeout} s for a ${spec.trigger} function on ${limits.platform} (${source})`);
    }
    const warmInstances = o.warmInstances === undefined ? 0 : checkInteger(key('warmInstances'), o.warmInstances, 0, limits.maxReservedInstances);
    let maxInstances: number | undefined;
    if (o.maxInstances !== undefined) {
      if (!limits.maxInstances) refuse(key('maxInstances'), o.maxInstances, `unset on ${limits.platform}: this program sets a per-function maximum instance count on Google Cloud only`);
      maxInstances = checkInteger(key('maxInstances'), o.maxInstances, 1, limits.maxInstances);
    }
    plans[spec.name] = { spec, memoryMb, timeoutSeconds, warmInstances, maxInstances };
  }
  return plans;
}

const planFields = ['memoryMb', 'timeoutSeconds', 'warmInstances', 'maxInstances'];

const defaultAwsOptions: AwsOptions = { logRetentionDays: 30, imagesRetryAttempts: 2, imagesMaxEventAgeSeconds: 21600, ordersBatchSize: 10 };

function readAwsOptions(values: ConfigValues): AwsOptions {
  const d = defaultAwsOptions;
  return {
    logRetentionDays: values.listed('logRetentionDays', logRetentionDays, d.logRetentionDays),
    // Lambda asynchronous invocation: 0-2 retries, maximum event age 60-21600 s (PutFunctionEventInvokeConfig).
    imagesRetryAttempts: values.integer('imagesRetryAttempts', 0, 2, d.imagesRetryAttempts),
    imagesMaxEventAgeSeconds: values.integer('imagesMaxEventAgeSeconds', 60, 21600, d.imagesMaxEventAgeSeconds),
    // Above 10 an SQS event source mapping needs a batching window; one order per message keeps 10.
    ordersBatchSize: values.integer('ordersBatchSize', 1, 10, d.ordersBatchSize),
    alarmTopicArn: alarmTopicIn(values, awsRegion()),
  };
}

/** The Region the AWS provider deploys to: `aws:region`, else the environment the provider reads. */
function awsRegion(): string | undefined {
  return new pulumi.Config('aws').get('region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

/**
 * CloudWatch alarm actions must be in the alarm's Region: PutMetricAlarm refuses a topic elsewhere
 * with "ValidationError: Invalid region ca-central-1 specified. Only us-west-2 is supported."
 * (reported in cds-snc/notification-terraform#128; SNS delivers across Regions, alarms do not).
 */
function alarmTopicIn(values: ConfigValues, region: string | undefined): string | undefined {
  const arn = values.text('alarmTopicArn', /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)');
  const topicRegion = arn?.split(':')[3];
  if (arn && region && topicRegion !== region) {
    refuse(values.key('alarmTopicArn'), arn, `an SNS topic in the stack's Region ${region}: CloudWatch alarms only notify topics in their own Region (this one is in ${topicRegion})`);
  }
  return arn;
}
