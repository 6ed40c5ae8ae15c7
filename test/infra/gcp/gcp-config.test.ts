/**
 * The Google Cloud stack's config: values outside Cloud Functions' and Pub/Sub's limits stop the
 * program with a RunError naming the key, the value and what is allowed (table-driven over the
 * dev-gcp stack with one value changed), and the limits themselves are accepted.
 */
import { expect } from 'chai';
import { allSpecs } from '../../../handlers/specs';
import { packageEntry } from '../../../infra/gcp/function';
import { fakePackages, itRefuses, removeDir, runError, runWith, type RefusalCase } from '../harness';
import { T } from './gcp-resources';

const key = (k: string) => `"multicloud-functions:${k}"`;
const platform = 'Google Cloud Functions (2nd gen)';

const cases: RefusalCase[] = [
  { rule: 'memory is one of the documented tiers', overrides: { functions: { images: { memoryMb: 1536 } } }, says: [key('functions.images.memoryMb'), '1536', 'one of 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768 MB', platform] },
  { rule: 'memory at most 32 GiB', overrides: { functions: { users: { memoryMb: 65536 } } }, says: [key('functions.users.memoryMb'), '65536', 'one of 128'] },
  { rule: 'an event-driven function runs at most 540 s', overrides: { functions: { images: { timeoutSeconds: 541 } } }, says: [key('functions.images.timeoutSeconds'), '541', 'an integer from 1 to 540 s for a object-created function', platform] },
  { rule: 'an HTTP function runs at most 3600 s', overrides: { functions: { users: { timeoutSeconds: 3601 } } }, says: [key('functions.users.timeoutSeconds'), '3601', 'an integer from 1 to 3600 s for a http function'] },
  { rule: 'the orders timeout fits in the 600 s ack deadline', overrides: { functions: { orders: { timeoutSeconds: 601 } } }, says: [key('functions.orders.timeoutSeconds'), '601', 'an integer from 1 to 600 s for a queue function'] },
  { rule: 'min instances at most 1000', overrides: { functions: { users: { warmInstances: 1001 } } }, says: [key('functions.users.warmInstances'), '1001', 'an integer from 0 to 1000'] },
  { rule: 'dead-letter delivery attempts at least 5', overrides: { maxDeliveries: 4 }, says: [key('maxDeliveries'), '"4"', 'an integer from 5 to 100'] },
  { rule: 'dead-letter delivery attempts at most 100', overrides: { maxDeliveries: 101 }, says: [key('maxDeliveries'), '"101"', 'an integer from 5 to 100'] },
  { rule: 'the project is required', remove: ['gcp:project'], says: ['"gcp:project"', 'a Google Cloud project id'] },
  { rule: 'the region is a region', overrides: { 'gcp:region': 'Europe West' }, says: ['"gcp:region"', '"Europe West"', 'a Cloud Functions region'] },
  { rule: 'invokers are IAM principals', overrides: { usersInvokers: ['alice@example.com'] }, says: [key('usersInvokers'), '"alice@example.com"', 'IAM principals such as user:'] },
  { rule: 'usersPublic is a boolean', overrides: { usersPublic: 'yes' }, byCli: true, says: ["Stack 'dev-gcp' with configuration key 'usersPublic' must be of type 'boolean'"] },
  { rule: 'backoff within Pub/Sub\'s 0-600 s', overrides: { ordersMaxBackoffSeconds: 601 }, says: [key('ordersMaxBackoffSeconds'), '"601"', 'an integer from 0 to 600'] },
  { rule: 'maximum backoff not below the minimum', overrides: { ordersMinBackoffSeconds: 60, ordersMaxBackoffSeconds: 30 }, says: [key('ordersMaxBackoffSeconds'), '30', 'at least ordersMinBackoffSeconds (60)'] },
  { rule: 'alert channels are channel names', overrides: { alertChannels: ['ops@example.com'] }, says: [key('alertChannels'), 'projects/<project>/notificationChannels/<id>'] },
];

describe('infra: the Google Cloud stack config', function () {
  this.timeout(90000);
  let packages: string;
  before(() => {
    packages = fakePackages('gcp', allSpecs.map((s) => s.name), packageEntry);
  });
  after(() => removeDir(packages));

  itRefuses('dev-gcp', () => packages, cases);

  it('stops with a message naming npm run package when a GCP package is missing', async () => {
    const error = await runError('dev-gcp', packages, { overrides: { packagesDir: `${packages}/nowhere` } });
    expect(error.message).to.include('The gcp package of the images function is missing').and.include('npm run package');
  });

  it('accepts the limits themselves (32 GiB, 540 s event-driven, 3600 s HTTP, 600 s orders, 100 attempts)', async () => {
    const run = await runWith('dev-gcp', packages, {
      overrides: {
        maxDeliveries: 100,
        functions: { images: { memoryMb: 32768, timeoutSeconds: 540 }, users: { timeoutSeconds: 3600, warmInstances: 2 }, orders: { timeoutSeconds: 600 } },
      },
    });
    const service = (name: string) => run.resources.find((x) => x.type === T.fn && x.name === `${name}-function`)!.inputs.serviceConfig as Record<string, unknown>;
    expect(service('images')).to.include({ availableMemory: '32768Mi', timeoutSeconds: 540 });
    expect(service('users')).to.include({ timeoutSeconds: 3600, minInstanceCount: 2 });
    const push = run.resources.find((x) => x.type === T.subscription && x.name === 'orders-pipeline-push')!.inputs;
    expect(push.ackDeadlineSeconds).to.equal(600);
    expect((push.deadLetterPolicy as Record<string, unknown>).maxDeliveryAttempts).to.equal(100);
  });
});
