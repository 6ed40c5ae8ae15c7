/**
 * The shape every rule reads: one resource as Pulumi's policy engine hands it over (type, name,
 * URN, input properties, and the URNs its inputs come from). The policy pack (index.ts) builds
 * it from `PolicyResource`, the tests from the resources the offline mocks record, so a rule is a
 * plain function of a list of these. No import from @pulumi/policy here: the rules stay testable
 * without starting the pack's gRPC server.
 */

export interface StackResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** For each input, the URNs of the resources its value comes from. In a preview, an input that
   * is another resource's output is still unknown, but this link is already there. */
  propertyDependencies: Record<string, string[]>;
}

export interface RuleContext {
  /** The stack owner said, in the stack's config (`usersPublic: true`), that anyone may call the users API. */
  usersApiAnonymousAllowed: boolean;
}

export interface Violation {
  rule: string;
  urn?: string;
  message: string;
}

export interface Rule {
  name: string;
  description: string;
  check(resources: readonly StackResource[], context: RuleContext): Violation[];
}

/** The resources of one or more types. */
export function ofType(resources: readonly StackResource[], ...types: string[]): StackResource[] {
  return resources.filter((r) => types.includes(r.type));
}

/** The resources whose input `property` comes from `target` (by URN), or equals `value` when known. */
export function linkedBy(resources: readonly StackResource[], types: string[], property: string, target: StackResource, value: unknown): StackResource[] {
  return ofType(resources, ...types).filter((r) => (r.propertyDependencies[property] ?? []).includes(target.urn) || (value !== undefined && r.props[property] === value));
}

/** The resources an input of `from` comes from. */
export function sourcesOf(resources: readonly StackResource[], from: StackResource, property: string): StackResource[] {
  const urns = from.propertyDependencies[property] ?? [];
  return resources.filter((r) => urns.includes(r.urn));
}

/** A JSON document input (IAM policies, redrive policies) as an object; strings are parsed. */
export function jsonInput(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

/** The resource name at the end of an ARN (`arn:aws:sqs:eu-west-1:123:queue-name` -> `queue-name`). */
export function arnName(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const parts = arn.split(':');
  // Lambda function ARNs are `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`.
  return parts[2] === 'lambda' && parts[5] === 'function' ? parts[6] : parts.at(-1);
}

export function asArray<T = unknown>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/** A violation naming the resource the way `pulumi preview` prints it. */
export function violation(rule: string, resource: StackResource | undefined, message: string): Violation {
  return { rule, urn: resource?.urn, message: resource ? `${resource.type} "${resource.name}": ${message}` : message };
}
