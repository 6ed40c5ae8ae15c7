/**
 * The users API on Google Cloud is the users function's own HTTPS URL: no gateway in front, so
 * the function answers CORS and verifies bearer tokens itself (USERS_CORS_ORIGINS,
 * USERS_JWT_ISSUER / USERS_JWT_AUDIENCE, set in infra/gcp/index.ts).
 *
 * Who may call it is IAM on the function's Cloud Run service (`roles/run.invoker`): only the
 * principals the stack lists, and everyone (`allUsers`) only when the stack sets usersPublic.
 * With a private function, callers send their Google identity token in `X-Serverless-Authorization`
 * so that `Authorization` stays free for the API's own bearer token (Cloud Run, "Authenticating
 * service-to-service").
 */
import * as pulumi from '@pulumi/pulumi';
import type { ServerlessFunction } from './function';
import { bind } from './iam';

/**
 * Organisations created since 3 May 2024 enforce domain-restricted sharing
 * (`iam.allowedPolicyMemberDomains`, "secure by default" organisation policies), and IAM then
 * refuses an `allUsers` member with "One or more users named in the policy do not belong to a
 * permitted customer". Nothing in a project can see the organisation's effective policy without
 * organisation-level rights, and the refusal comes from the provider, so the program cannot turn
 * it into a message of its own: it warns before the binding is created, pointing to the fix.
 */
export const allUsersNotice =
  'usersPublic grants allUsers roles/run.invoker on the users function. Where the organisation policy iam.allowedPolicyMemberDomains ' +
  '(domain-restricted sharing, enforced by default in organisations created since May 2024) is enforced, Google refuses it with ' +
  '"One or more users named in the policy do not belong to a permitted customer". ' +
  'Allow all principals on this project first: README.md, "Deploy to Google Cloud", Prerequisites; docs/deploy-rules.md, Google Cloud.';

export interface UsersApiArgs {
  project: string;
  fn: ServerlessFunction;
  /** IAM members granted `roles/run.invoker`. */
  invokers: string[];
}

export class UsersApi extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;
  readonly invokerBindings: pulumi.CustomResource[];

  constructor(name: string, args: UsersApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:gcp:UsersApi', name, {}, opts);
    // Named by the member, not its position: removing one caller does not rename the others.
    this.invokerBindings = args.invokers.map((member) => {
      const label = `invoker-${member.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
      const binding = bind(`${name}-${label}`, args.project, member, {
        label, role: 'roles/run.invoker', on: { service: args.fn.serviceName, location: args.fn.region },
      }, { parent: this });
      if (member === 'allUsers') void pulumi.log.warn(allUsersNotice, binding);
      return binding;
    });
    this.url = args.fn.url;
    this.registerOutputs({ url: this.url });
  }
}
