/**
 * The upload bucket pair: originals (where users upload, objects expire) and compressed (where
 * the images function writes), both private and encrypted, plus the images dead-letter queue and,
 * once the function exists, the ONE notification on originals that invokes it.
 */
import * as pulumi from '@pulumi/pulumi';
import * as lambda from '@pulumi/aws/lambda';
import * as s3 from '@pulumi/aws/s3';
import * as sqs from '@pulumi/aws/sqs';
import type { ServerlessFunction } from './function';

export interface UploadBucketsArgs {
  originalsBucket: pulumi.Input<string>;
  compressedBucket: pulumi.Input<string>;
  originalsExpireDays: number;
  /** The images dead-letter queue's name. */
  deadLetterQueueName: string;
}

export interface AsyncDelivery {
  retryAttempts: number;
  maxEventAgeSeconds: number;
}

/** Dead letters are kept 14 days, SQS's maximum retention. */
export const deadLetterRetentionSeconds = 14 * 24 * 60 * 60;

export class UploadBuckets extends pulumi.ComponentResource {
  readonly originals: s3.Bucket;
  readonly compressed: s3.Bucket;
  readonly deadLetters: sqs.Queue;

  constructor(private readonly baseName: string, args: UploadBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:aws:UploadBuckets', baseName, {}, opts);
    this.originals = this.privateBucket('originals', args.originalsBucket);
    this.compressed = this.privateBucket('compressed', args.compressedBucket);
    new s3.BucketLifecycleConfiguration(`${baseName}-originals-expiry`, {
      bucket: this.originals.id,
      rules: [{
        id: 'expire-originals',
        status: 'Enabled',
        filter: { prefix: '' },
        expiration: { days: args.originalsExpireDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      }],
    }, { parent: this });
    this.deadLetters = new sqs.Queue(`${baseName}-dead-letters`, {
      name: args.deadLetterQueueName,
      messageRetentionSeconds: deadLetterRetentionSeconds,
      sqsManagedSseEnabled: true,
    }, { parent: this });
    this.registerOutputs({ originals: this.originals.bucket, compressed: this.compressed.bucket });
  }

  /**
   * Invokes the images function for EVERY object created in originals. S3 suffix filters are
   * case-sensitive, so `.jpg` would miss `.JPG` and `.Jpeg`; the core filters the suffixes
   * case-insensitively (imagesSpec.settings.suffixes) and skips anything else in one short call.
   * S3 keeps ONE notification configuration per bucket: this is the only one.
   * Asynchronous invocations retry, then go to the dead-letter queue (an on-failure destination).
   */
  notify(fn: ServerlessFunction, delivery: AsyncDelivery, accountId: pulumi.Input<string>): void {
    const name = this.baseName;
    // Bucket ARNs carry no account: sourceAccount stops another account's bucket of the same
    // name (after this one is deleted) from invoking the function.
    const permission = new lambda.Permission(`${name}-invoke`, {
      action: 'lambda:InvokeFunction',
      function: fn.functionName,
      qualifier: fn.qualifier,
      principal: 's3.amazonaws.com',
      sourceArn: this.originals.arn,
      sourceAccount: accountId,
    }, { parent: this });
    // S3 tests the permission when the configuration is written: it must exist first.
    new s3.BucketNotification(`${name}-originals-created`, {
      bucket: this.originals.id,
      lambdaFunctions: [{ lambdaFunctionArn: fn.target, events: ['s3:ObjectCreated:*'] }],
    }, { parent: this, dependsOn: [permission] });
    new lambda.FunctionEventInvokeConfig(`${name}-async`, {
      functionName: fn.functionName,
      qualifier: fn.qualifier,
      maximumRetryAttempts: delivery.retryAttempts,
      maximumEventAgeInSeconds: delivery.maxEventAgeSeconds,
      destinationConfig: { onFailure: { destination: this.deadLetters.arn } },
    }, { parent: this });
  }

  private privateBucket(role: string, bucketName: pulumi.Input<string>): s3.Bucket {
    const bucket = new s3.Bucket(`${this.baseName}-${role}`, { bucket: bucketName }, { parent: this });
    new s3.BucketPublicAccessBlock(`${this.baseName}-${role}-private`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, { parent: this });
    new s3.BucketServerSideEncryptionConfiguration(`${this.baseName}-${role}-encryption`, {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    }, { parent: this });
    return bucket;
  }
}
