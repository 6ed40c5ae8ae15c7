/**
 * What signed uploads and downloads need on AWS (adapters/aws/ports/object-urls.ts): the users
 * function's role may do what the URLs it presigns do, and no more (a presigned request acts with
 * the signer's permissions), and browsers on the stack's `corsOrigins` may send the upload.
 */
import * as pulumi from '@pulumi/pulumi';
import * as s3 from '@pulumi/aws/s3';
import { objectsOf, type Statement } from './iam';

/**
 * - PutObject on originals: the presigned POST (a browser-based upload is authorised as s3:PutObject);
 * - GetObject on compressed: the presigned GET and HeadObject of a copy;
 * - ListBucket on compressed: ListObjectsV2 of the user's folder, and HeadObject answering 404
 *   rather than 403 for a copy not made yet (S3 API reference, HeadObject "Permissions").
 */
export function signingStatements(originalsArn: pulumi.Input<string>, compressedArn: pulumi.Input<string>): Statement[] {
  return [
    { sid: 'PresignUploads', actions: ['s3:PutObject'], resources: [objectsOf(originalsArn)] },
    { sid: 'PresignDownloads', actions: ['s3:GetObject'], resources: [objectsOf(compressedArn)] },
    { sid: 'ListCompressed', actions: ['s3:ListBucket'], resources: [compressedArn] },
  ];
}

/**
 * S3 bucket CORS on originals, for the stack's origins, POST (the presigned POST) and PUT only:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html (at most 100 rules and
 * 64 KB per configuration; AllowedMethod one of GET, PUT, POST, DELETE, HEAD; an AllowedOrigin
 * holds at most one `*`). No CORS on compressed: an `<img>` shows a cross-origin image without it.
 * Undefined when the stack lists no origin (no browser client then).
 */
export function allowBrowserUploads(name: string, bucket: s3.Bucket, origins: readonly string[], parent: pulumi.Resource): s3.BucketCorsConfiguration | undefined {
  if (origins.length === 0) return undefined;
  return new s3.BucketCorsConfiguration(name, {
    bucket: bucket.id,
    corsRules: [{
      id: 'signed-uploads',
      allowedOrigins: [...origins],
      allowedMethods: ['POST', 'PUT'],
      allowedHeaders: ['content-type'],
      exposeHeaders: ['etag'],
      maxAgeSeconds: 600,
    }],
  }, { parent });
}
