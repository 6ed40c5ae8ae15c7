/**
 * Encryption on, at rest and in transit, where the stack can turn it off or leave it unset.
 * S3 buckets carry an explicit default-encryption configuration; SQS queues use SSE (SQS-managed
 * or KMS). Azure: the storage account encrypts every service it serves, accepts HTTPS only with
 * TLS 1.2 at least, and the function app is HTTPS only.
 * Not checked, because it cannot be turned off: DynamoDB tables (always encrypted at rest,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html) and
 * everything on Google Cloud (encrypted at rest by default,
 * https://cloud.google.com/docs/security/encryption/default-encryption).
 * Not checked yet: SNS topic server-side encryption, which needs a KMS key (the stack's topic
 * sets none; adding `kmsMasterKeyId: "alias/aws/sns"` to it would let this rule require it).
 */
import { linkedBy, ofType, violation, type Rule, type StackResource, type Violation } from '../resources';

const name = 'encryption-on';

function aws(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const bucket of ofType(resources, 'aws:s3/bucket:Bucket', 'aws:s3/bucketV2:BucketV2')) {
    const configs = linkedBy(resources, ['aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', 'aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2'], 'bucket', bucket, bucket.props.bucket);
    if (configs.length === 0) found.push(violation(name, bucket, 'has no aws.s3.BucketServerSideEncryptionConfiguration: add one (sseAlgorithm "AES256" or "aws:kms")'));
  }
  for (const queue of ofType(resources, 'aws:sqs/queue:Queue')) {
    if (queue.props.sqsManagedSseEnabled !== true && !queue.props.kmsMasterKeyId) found.push(violation(name, queue, 'is not encrypted: set sqsManagedSseEnabled: true (or kmsMasterKeyId)'));
  }
  return found;
}

function azure(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const account of ofType(resources, 'azure-native:storage:StorageAccount')) {
    if (account.props.enableHttpsTrafficOnly !== true) found.push(violation(name, account, 'must set enableHttpsTrafficOnly: true'));
    if (account.props.minimumTlsVersion !== 'TLS1_2' && account.props.minimumTlsVersion !== 'TLS1_3') found.push(violation(name, account, 'must set minimumTlsVersion: "TLS1_2"'));
    const services = ((account.props.encryption as { services?: Record<string, { enabled?: boolean }> } | undefined)?.services) ?? {};
    for (const [service, setting] of Object.entries(services)) {
      if (setting?.enabled === false) found.push(violation(name, account, `turns encryption off for the ${service} service: set encryption.services.${service}.enabled: true`));
    }
  }
  for (const app of ofType(resources, 'azure-native:web:WebApp')) {
    if (app.props.httpsOnly !== true) found.push(violation(name, app, 'must set httpsOnly: true'));
  }
  return found;
}

export const encryption: Rule = {
  name,
  description: 'Storage and queues are encrypted at rest and reached over TLS only.',
  check: (resources) => [...aws(resources), ...azure(resources)],
};
