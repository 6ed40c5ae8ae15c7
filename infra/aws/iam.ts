/**
 * IAM policy documents built from statements whose resources are exact ARNs (outputs of the
 * resources they name). `"Resource": "*"` is only accepted through `anyResource`, which takes the
 * reason AWS offers nothing narrower, so every such case is explained where it is used.
 */
import * as pulumi from '@pulumi/pulumi';

export interface Statement {
  /** Statement id: says what the permission is for. */
  sid: string;
  actions: string[];
  resources: pulumi.Input<string>[];
}

/** Marks a statement whose actions support no resource-level permissions. */
export function anyResource(sid: string, actions: string[], _reason: string): Statement {
  return { sid, actions, resources: ['*'] };
}

/** The JSON policy document for an inline role policy. */
export function policyDocument(statements: Statement[]): pulumi.Output<string> {
  return pulumi.all(statements.map((s) => pulumi.all(s.resources))).apply((resolved) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: statements.map((s, i) => ({
        Sid: s.sid,
        Effect: 'Allow',
        Action: s.actions,
        Resource: resolved[i],
      })),
    }),
  );
}

/** The trust policy letting one AWS service assume a role. */
export function assumedBy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}

/** Objects under a bucket (`arn:aws:s3:::bucket/*`): object actions are granted on these, not on the bucket. */
export function objectsOf(bucketArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${bucketArn}/*`;
}

/** Log streams of a log group: `logs:CreateLogStream` / `PutLogEvents` apply to `<group arn>:*`. */
export function streamsOf(logGroupArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${logGroupArn}:*`;
}
