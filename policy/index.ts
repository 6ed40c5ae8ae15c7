/**
 * The policy pack: `pulumi preview --policy-pack policy --policy-pack-config <file>`.
 * Creating a PolicyPack starts its gRPC server, so this entry file only wires the rules
 * (policy/rules/*, plain functions tested in mocha) into stack validations.
 */
import { PolicyPack, type StackValidationPolicy } from '@pulumi/policy';
import { rules } from './rules';
import { fromPolicyResources, ruleContext, type UsersApiPolicyConfig } from './stack-resources';

const policies: StackValidationPolicy[] = rules.map((rule) => ({
  name: rule.name,
  description: rule.description,
  enforcementLevel: 'mandatory',
  // Only the users API rule reads config; the schema lets `--policy-pack-config` set it.
  configSchema: rule.name === 'users-api-not-anonymous' ? { properties: { usersPublic: { type: 'boolean', default: false } } } : undefined,
  validateStack: (args, reportViolation) => {
    const context = ruleContext(args.getConfig<UsersApiPolicyConfig>());
    for (const v of rule.check(fromPolicyResources(args.resources), context)) reportViolation(v.message, v.urn);
  },
}));

new PolicyPack('multicloud-functions', { policies });
