/**
 * S3 bucket names. They share one namespace with every AWS customer in the partition, so a name
 * derived from the stack alone (`mcf-dev-originals`) is refused with BucketAlreadyExists for the
 * second person in the world who deploys `dev`. Unless the stack names a bucket, the name carries
 * the account id (`<namePrefix>-originals-<account id>`), unique to the account and stable across
 * updates, as AWS's naming best practices advise. A stack that sets `originalsBucket` /
 * `compressedBucket` gets exactly that name, checked against S3's rules first.
 *
 * Rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * (general purpose buckets). The account regional namespace (`-<account>-<region>-an`, 2026) would
 * guarantee the name, but it is not offered in every Region and its suffix takes up to 30 of the 63
 * characters; the account id alone fits every name prefix this program accepts.
 */
import * as pulumi from '@pulumi/pulumi';

export type BucketRole = 'originals' | 'compressed';

/** Why S3 would refuse this bucket name, or undefined when it follows every rule. */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `3 to 63 characters (this one has ${name.length})`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'only lower-case letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'a letter or digit first and last';
  if (name.includes('..')) return 'no two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'not formatted as an IP address';
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (name.startsWith(prefix)) return `no reserved prefix (${prefix})`;
  }
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3']) {
    if (name.endsWith(suffix)) return `no reserved suffix (${suffix})`;
  }
  // Dots break virtual-hosted-style HTTPS (the certificate covers one label): S3 allows them,
  // this program does not (every other cloud's bucket rule shares this check in infra/config.ts).
  return undefined;
}

/** An AWS account id has 12 digits: the length every derived name is checked with. */
const accountIdPlaceholder = '000000000000';

/** The default name of a bucket: unique to the account, derived from the name prefix. */
export function defaultBucketName(namePrefix: string, role: BucketRole, accountId: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${namePrefix}-${role}-${accountId}`;
}

/**
 * The rule the default name would break, checked before anything is declared (the account id
 * is known only once the provider answers, but it is always 12 digits).
 */
export function defaultBucketNameProblem(namePrefix: string, role: BucketRole): string | undefined {
  return s3BucketNameProblem(`${namePrefix}-${role}-${accountIdPlaceholder}`);
}
