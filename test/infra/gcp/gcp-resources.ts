/**
 * Lookups over the resources the Google Cloud stack registers under mocks: the resource types by
 * a short name, and every IAM binding written as one line, `<member> <role> <resource>`, so a
 * test can compare the whole set at once.
 */
import type { RecordedResource, Resources } from '../harness';

export const T = {
  component: 'multicloud:gcp:Function',
  service: 'gcp:projects/service:Service',
  fn: 'gcp:cloudfunctionsv2/function:Function',
  account: 'gcp:serviceaccount/account:Account',
  object: 'gcp:storage/bucketObject:BucketObject',
  bucket: 'gcp:storage/bucket:Bucket',
  topic: 'gcp:pubsub/topic:Topic',
  subscription: 'gcp:pubsub/subscription:Subscription',
  database: 'gcp:firestore/database:Database',
  alert: 'gcp:monitoring/alertPolicy:AlertPolicy',
  bucketMember: 'gcp:storage/bucketIAMMember:BucketIAMMember',
  topicMember: 'gcp:pubsub/topicIAMMember:TopicIAMMember',
  subscriptionMember: 'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember',
  runMember: 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember',
  accountMember: 'gcp:serviceaccount/iAMMember:IAMMember',
  projectMember: 'gcp:projects/iAMMember:IAMMember',
} as const;

const bindingTypes: string[] = [T.bucketMember, T.topicMember, T.subscriptionMember, T.runMember, T.accountMember, T.projectMember];

/** Every IAM binding the stack declares. */
export function bindingsOf(r: Resources): RecordedResource[] {
  return r.all.filter((x) => bindingTypes.includes(x.type));
}

/** `<member> <role> <where>`: bucket:, topic:, subscription:, service:<region>/<name>, firestore:<database>, project. */
export function describeBinding(binding: RecordedResource): string {
  const i = binding.inputs as Record<string, string | { expression?: string } | undefined>;
  const where = (() => {
    switch (binding.type) {
      case T.bucketMember: return `bucket:${String(i.bucket)}`;
      case T.topicMember: return `topic:${String(i.topic)}`;
      case T.subscriptionMember: return `subscription:${String(i.subscription)}`;
      case T.runMember: return `service:${String(i.location)}/${String(i.name)}`;
      case T.accountMember: return `serviceAccount:${String(i.serviceAccountId)}`;
      default: {
        const condition = i.condition as { expression?: string } | undefined;
        const database = condition?.expression && /^resource\.name == "(projects\/[^"]+\/databases\/[^"]+)"$/.exec(condition.expression)?.[1];
        if (condition && !database) return `project if ${String(condition.expression)}`;
        return database ? `firestore:${database}` : 'project';
      }
    }
  })();
  return `${String(i.member)} ${String(i.role)} ${where}`;
}
