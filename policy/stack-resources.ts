/**
 * From what Pulumi's policy engine hands a stack validation (PolicyResource) to the plain shape
 * the rules read, and the policy's config to the rule context. Kept apart from index.ts so that
 * a test can run it without starting the pack.
 */
import type { PolicyResource } from '@pulumi/policy';
import type { RuleContext, StackResource } from './resources';

export function fromPolicyResources(resources: readonly PolicyResource[]): StackResource[] {
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.props,
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([key, deps]) => [key, deps.map((d) => d.urn)])),
  }));
}

/** The policy config of `users-api-not-anonymous` (scripts in the workflow write it from the stack's config). */
export interface UsersApiPolicyConfig {
  usersPublic?: boolean;
}

export function ruleContext(config: UsersApiPolicyConfig | undefined): RuleContext {
  return { usersApiAnonymousAllowed: config?.usersPublic === true };
}
