/**
 * One Lambda function with what it needs to run: its own role and least-privilege inline policy,
 * its log group with retention, and, when the stack keeps instances warm, an alias with
 * provisioned concurrency. Triggers (S3, SQS, API Gateway) target `target` / `qualifier`, which
 * is the alias when there is one, so warm instances actually serve the traffic.
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as lambda from '@pulumi/aws/lambda';
import type { FunctionPlan } from '../config';
import type { FunctionPackage } from '../packages';
import { anyResource, assumedBy, policyDocument, streamsOf, type Statement } from './iam';

/** The packager writes `dist/aws/<function>/index.js` exporting `handler`. */
export const packageEntry = 'index.js';
export const handlerName = 'index.handler';
export const runtime = 'nodejs22.x';
export const architecture = 'arm64';
export const aliasName = 'live';

export interface FunctionArgs {
  /** The physical function name (also names its role and log group). */
  functionName: string;
  plan: FunctionPlan;
  package: FunctionPackage;
  /** Environment variables, named by `adapters/aws/environment.ts` and `settingName`. */
  environment: Record<string, pulumi.Input<string>>;
  /** What the function may do, each statement on exact ARNs. */
  statements: Statement[];
  logRetentionDays: number;
  /** Active X-Ray tracing; off: PassThrough (no traces unless the caller samples). */
  tracing: boolean;
}

export class ServerlessFunction extends pulumi.ComponentResource {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: cloudwatch.LogGroup;
  readonly alias?: lambda.Alias;
  /** The ARN triggers invoke: the alias's when there is one. */
  readonly target: pulumi.Output<string>;
  /** The qualifier permissions and invoke configs apply to (the alias name), if any. */
  readonly qualifier?: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: FunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:aws:Function', name, {}, opts);
    const parent = { parent: this };

    // Lambda writes to /aws/lambda/<function name>; creating it here sets its retention and
    // lets the policy name it exactly.
    this.logGroup = new cloudwatch.LogGroup(`${name}-logs`, {
      name: `/aws/lambda/${args.functionName}`,
      retentionInDays: args.logRetentionDays,
    }, parent);

    this.role = new iam.Role(`${name}-role`, {
      name: `${args.functionName}-role`,
      assumeRolePolicy: assumedBy('lambda.amazonaws.com'),
    }, parent);

    const statements: Statement[] = [
      { sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [streamsOf(this.logGroup.arn)] },
      ...args.statements,
    ];
    if (args.tracing) {
      // X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions
      // (Service Authorization Reference, AWS X-Ray: "Resource types: *").
      statements.push(anyResource('SendTraces', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], 'X-Ray has no resource types'));
    }
    const policy = new iam.RolePolicy(`${name}-policy`, {
      name: `${args.functionName}-policy`,
      role: this.role.id,
      policy: policyDocument(statements),
    }, parent);

    const warm = args.plan.warmInstances > 0;
    this.function = new lambda.Function(`${name}-function`, {
      name: args.functionName,
      description: args.plan.spec.description,
      runtime,
      architectures: [architecture],
      handler: handlerName,
      code: new pulumi.asset.FileArchive(args.package.directory),
      // A user-defined hash that triggers a code update when it changes; the provider keeps it in
      // state and it need not match Lambda's CodeSha256 (Pulumi AWS docs, lambda.Function
      // sourceCodeHash). From the content, so an unchanged package is no update.
      sourceCodeHash: args.package.contentHash,
      memorySize: args.plan.memoryMb,
      timeout: args.plan.timeoutSeconds,
      role: this.role.arn,
      environment: { variables: args.environment },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      tracingConfig: { mode: args.tracing ? 'Active' : 'PassThrough' },
      // A version is what an alias points at; publish only when an alias is needed.
      publish: warm,
    }, { parent: this, dependsOn: [policy, this.logGroup] });

    this.functionName = this.function.name;
    this.target = this.function.arn;
    if (warm) {
      this.alias = new lambda.Alias(`${name}-alias`, {
        name: aliasName,
        functionName: this.function.name,
        functionVersion: this.function.version,
      }, parent);
      new lambda.ProvisionedConcurrencyConfig(`${name}-warm`, {
        functionName: this.function.name,
        qualifier: this.alias.name,
        provisionedConcurrentExecutions: args.plan.warmInstances,
      }, parent);
      this.target = this.alias.arn;
      this.qualifier = this.alias.name;
    }
    this.registerOutputs({ functionName: this.functionName, target: this.target });
  }
}
