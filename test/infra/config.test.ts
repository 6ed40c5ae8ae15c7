/**
 * Every validation rule of the stack config stops the program with a RunError that names the
 * key, the value and what is allowed; table-driven over the dev stack with one value changed.
 */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { allSpecs } from '../../handlers/specs';
import { packageEntry } from '../../infra/aws/function';
import { clouds, readStackConfig } from '../../infra/config';
import { platformLimits } from '../../infra/limits';
import { fakePackages, itRefuses, removeDir, runError, runWith, type RefusalCase } from './harness';

const key = (k: string) => `"multicloud-functions:${k}"`;

const cases: RefusalCase[] = [
  // Pulumi.yaml declares cloud without a default: the CLI requires it (pulumi/pulumi config.go, mergeConfig).
  { rule: 'cloud is required', remove: ['cloud'], byCli: true, says: ["Stack 'dev' is missing configuration value 'cloud'"] },
  { rule: 'cloud is one of three', overrides: { cloud: 'oracle' }, says: [key('cloud'), '"oracle"', 'one of aws, azure, gcp'] },
  { rule: 'originals and compressed differ', overrides: { originalsBucket: 'same-bucket', compressedBucket: 'same-bucket' }, says: [key('compressedBucket'), '"same-bucket"', 'a bucket other than originalsBucket', 'trigger itself forever'] },
  { rule: 'bucket names are valid', overrides: { originalsBucket: 'Uploads_Bucket' }, says: [key('originalsBucket'), '"Uploads_Bucket"', '3-63 lower-case letters'] },
  { rule: 'the name prefix is short and lower-case', overrides: { namePrefix: 'My-Prefix' }, says: [key('namePrefix'), '"My-Prefix"', 'a lower-case letter then up to 29'] },
  { rule: 'Lambda memory at most 10240 MB', overrides: { functions: { images: { memoryMb: 10241 } } }, says: [key('functions.images.memoryMb'), '10241', 'an integer from 128 to 10240 MB on AWS Lambda'] },
  { rule: 'Lambda memory at least 128 MB', overrides: { functions: { users: { memoryMb: 64 } } }, says: [key('functions.users.memoryMb'), '64', 'from 128 to 10240 MB'] },
  { rule: 'Lambda timeout at most 900 s', overrides: { functions: { orders: { timeoutSeconds: 901 } } }, says: [key('functions.orders.timeoutSeconds'), '901', 'an integer from 1 to 900 s for a queue function on AWS Lambda'] },
  // API Gateway HTTP API integrations time out at 30 s: a longer users run answers nobody.
  { rule: 'the HTTP (users) timeout at most the 30 s API Gateway integration timeout', overrides: { functions: { users: { timeoutSeconds: 31 } } }, says: [key('functions.users.timeoutSeconds'), 'is 31', 'an integer from 1 to 30 s for a http function on AWS Lambda', 'API Gateway HTTP API', 'http-api-quotas.html'] },
  { rule: 'the HTTP timeout stays capped at Lambda\'s 900 s too', overrides: { functions: { users: { timeoutSeconds: 900 } } }, says: [key('functions.users.timeoutSeconds'), 'is 900', 'from 1 to 30 s for a http function'] },
  { rule: 'functions are the spec names', overrides: { functions: { billing: { memoryMb: 256 } } }, says: [key('functions.billing'), 'a function name: images, users, orders'] },
  { rule: 'function fields are known', overrides: { functions: { users: { memory: 512 } } }, says: [key('functions.users.memory'), '512', 'a field of memoryMb, timeoutSeconds, warmInstances'] },
  { rule: 'warm instances are a count', overrides: { functions: { users: { warmInstances: -1 } } }, says: [key('functions.users.warmInstances'), '-1', 'an integer from 0 to 900'] },
  { rule: 'functions is an object', overrides: { functions: '[1]' }, says: [key('functions'), 'an object'] },
  { rule: 'maxDeliveries within SQS maxReceiveCount', overrides: { maxDeliveries: 0 }, says: [key('maxDeliveries'), '"0"', 'an integer from 1 to 1000'] },
  // Values not of the type Pulumi.yaml declares: the CLI refuses them first (validateStackConfigValues).
  { rule: 'originals expire after whole days', overrides: { originalsExpireDays: 'thirty' }, byCli: true, says: ["Stack 'dev' with configuration key 'originalsExpireDays' must be of type 'integer'"] },
  { rule: 'originals expire after at least a day', overrides: { originalsExpireDays: 0 }, says: [key('originalsExpireDays'), '"0"', 'an integer from 1 to 3650'] },
  { rule: 'tracing is a boolean', overrides: { tracing: 'yes' }, byCli: true, says: ["Stack 'dev' with configuration key 'tracing' must be of type 'boolean'"] },
  { rule: 'log retention is a CloudWatch value', overrides: { logRetentionDays: 10 }, says: [key('logRetentionDays'), '"10"', 'one of 1, 3, 5, 7, 14, 30'] },
  { rule: 'async retries 0-2', overrides: { imagesRetryAttempts: 3 }, says: [key('imagesRetryAttempts'), '"3"', 'an integer from 0 to 2'] },
  { rule: 'async event age 60-21600 s', overrides: { imagesMaxEventAgeSeconds: 30 }, says: [key('imagesMaxEventAgeSeconds'), '"30"', 'an integer from 60 to 21600'] },
  { rule: 'orders batch size 1-10', overrides: { ordersBatchSize: 11 }, says: [key('ordersBatchSize'), '"11"', 'an integer from 1 to 10'] },
  { rule: 'JWT issuer is https', overrides: { jwtIssuer: 'http://issuer.example', jwtAudience: 'users' }, says: [key('jwtIssuer'), '"http://issuer.example"', 'an https:// issuer URL'] },
  { rule: 'JWT issuer needs an audience', overrides: { jwtIssuer: 'https://issuer.example' }, says: [key('jwtAudience'), 'an audience when jwtIssuer is set'] },
  { rule: 'throttling is bounded', overrides: { throttleBurstLimit: 0 }, says: [key('throttleBurstLimit'), '"0"', 'an integer from 1 to 5000'] },
  { rule: 'the alarm topic is an SNS ARN', overrides: { alarmTopicArn: 'alarms' }, says: [key('alarmTopicArn'), '"alarms"', 'an SNS topic ARN'] },
  { rule: 'CORS origins are strings', overrides: { corsOrigins: [1] }, byCli: true, says: ["Stack 'dev' with configuration key 'corsOrigins' must be of type 'array<string>'"] },
  { rule: 'usersPublic is a boolean', overrides: { usersPublic: 'yes' }, byCli: true, says: ["Stack 'dev' with configuration key 'usersPublic' must be of type 'boolean'"] },
  // No authorizer without an issuer: the API would be open without the stack saying so.
  { rule: 'a users API without tokens is declared public', remove: ['usersPublic'], says: [key('usersPublic'), 'is false', 'allowed is true when jwtIssuer is unset: the aws users API then checks no token', 'Set jwtIssuer and jwtAudience'] },
  { rule: 'a users API without tokens cannot be private', overrides: { usersPublic: false }, says: [key('usersPublic'), 'is false', 'true when jwtIssuer is unset'] },
  { rule: 'packagesDir has no leading blank', overrides: { packagesDir: ' dist' }, says: [key('packagesDir'), '" dist"', 'a directory path (no leading or trailing blanks'] },
  { rule: 'packagesDir has no line break', overrides: { packagesDir: 'dist\nother' }, says: [key('packagesDir'), 'no line breaks'] },
];

describe('infra: stack config validation', function () {
  this.timeout(60000);
  let packages: string;
  before(() => {
    packages = fakePackages('aws', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  itRefuses('dev', () => packages, cases);

  it('refuses a cloud whose platform table does not exist (a new cloud is added table first)', () => {
    // Every cloud has its table today: take one away for the length of this test. The config
    // module is called directly: runStack loads a fresh copy of the program, tables included.
    const cloud = clouds[clouds.length - 1];
    const table = platformLimits[cloud];
    delete platformLimits[cloud];
    try {
      pulumi.runtime.setAllConfig({ 'multicloud-functions:cloud': cloud }, []);
      expect(() => readStackConfig('multicloud-functions', 'dev')).to.throw(`Config ${key('cloud')} is "${cloud}": allowed is a cloud this program can deploy yet: `);
    } finally {
      if (table) platformLimits[cloud] = table;
    }
  });

  it('stops with a message naming npm run package when a package is missing', async () => {
    const error = await runError('dev', packages, { overrides: { packagesDir: `${packages}/nowhere` } });
    expect(pulumi.RunError.isInstance(error)).to.equal(true);
    expect(error.message).to.include('The aws package of the images function is missing').and.include('npm run package');
  });

  it('accepts the limits themselves (10240 MB, 900 s, 30 s for the users function behind API Gateway)', async () => {
    const run = await runWith('dev', packages, { overrides: { functions: { images: { memoryMb: 10240, timeoutSeconds: 900 }, users: { timeoutSeconds: 30 } } } });
    const fn = run.resources.find((r) => r.name === 'images-function')!;
    expect(fn.inputs).to.include({ memorySize: 10240, timeout: 900 });
    expect(run.resources.find((r) => r.name === 'users-function')!.inputs).to.include({ timeout: 30 });
    // The integration waits exactly as long as the function may run.
    expect(run.resources.find((r) => r.name === 'users-api-integration')!.inputs).to.include({ timeoutMilliseconds: 30000 });
  });
});
