/**
 * IAM on Google Cloud, one binding per (member, role, resource): a role is granted on the bucket,
 * topic, subscription, Cloud Run service or Firestore database it is for, never on the whole
 * project when the resource has its own policy. Each binding is an additive `...IAMMember`, so it
 * never removes bindings someone else made on the same resource.
 */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import * as cloudrunv2 from '@pulumi/gcp/cloudrunv2';
import * as projects from '@pulumi/gcp/projects';
import * as pubsub from '@pulumi/gcp/pubsub';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import * as storage from '@pulumi/gcp/storage';

/** Where a role is granted. */
export type GrantTarget =
  | { bucket: pulumi.Input<string> }
  | { topic: pulumi.Input<string> }
  | { subscription: pulumi.Input<string> }
  /** A Cloud Run service (a 2nd gen function's service), by name and region. */
  | { service: pulumi.Input<string>; location: pulumi.Input<string> }
  /** A service account, as a resource others act on (token creation). */
  | { serviceAccount: pulumi.Input<string> }
  /**
   * Firestore has no per-database policy: the role is granted on the project with an IAM
   * condition on the database's resource name (Firestore, "Configure access with IAM Conditions").
   */
  | { firestoreDatabase: pulumi.Input<string> }
  /** A project-level grant narrowed by an IAM condition (a family of resources the stack does not own). */
  | { projectIf: { title: string; expression: pulumi.Input<string> } }
  /** Roles that exist only at project level (eventarc.eventReceiver, the GCS agent's publisher). */
  | { project: true };

export interface Grant {
  /** Names the binding: `<owner>-<label>`. */
  label: string;
  role: string;
  on: GrantTarget;
}

export function serviceAccountMember(email: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`serviceAccount:${email}`;
}

/** Declares one binding of `member` for a grant. */
export function bind(name: string, project: string, member: pulumi.Input<string>, grant: Grant, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const on = grant.on;
  const role = grant.role;
  if ('bucket' in on) return new storage.BucketIAMMember(name, { bucket: on.bucket, role, member }, opts);
  if ('topic' in on) return new pubsub.TopicIAMMember(name, { project, topic: on.topic, role, member }, opts);
  if ('subscription' in on) return new pubsub.SubscriptionIAMMember(name, { project, subscription: on.subscription, role, member }, opts);
  if ('service' in on) return new cloudrunv2.ServiceIamMember(name, { project, name: on.service, location: on.location, role, member }, opts);
  if ('serviceAccount' in on) return new serviceaccount.IAMMember(name, { serviceAccountId: on.serviceAccount, role, member }, opts);
  if ('firestoreDatabase' in on) {
    return new projects.IAMMember(name, {
      project,
      role,
      member,
      condition: {
        title: `only-${grant.label}`,
        expression: pulumi.interpolate`resource.name == "projects/${project}/databases/${on.firestoreDatabase}"`,
      },
    }, opts);
  }
  if ('projectIf' in on) return new projects.IAMMember(name, { project, role, member, condition: on.projectIf }, opts);
  return new projects.IAMMember(name, { project, role, member }, opts);
}

/** `user:` or `serviceAccount:` for an email, as IAM members spell them. */
export function memberOfEmail(email: string): string {
  return email.endsWith('.gserviceaccount.com') ? `serviceAccount:${email}` : `user:${email}`;
}

/**
 * A service account id: "6 to 30 characters", lower-case letters, digits and hyphens, starting
 * with a letter (IAM, creating service accounts). `<prefix>-<role>` when it fits; otherwise the
 * prefix is cut and a short hash of the whole prefix keeps two stacks apart.
 */
export function accountId(prefix: string, role: string): string {
  const full = `${prefix}-${role}`;
  if (full.length <= 30) return full;
  const tag = createHash('sha256').update(prefix).digest('hex').slice(0, 4);
  const head = prefix.slice(0, Math.max(1, 30 - role.length - tag.length - 2)).replace(/-+$/, '');
  return `${head}-${tag}-${role}`.slice(0, 30);
}
