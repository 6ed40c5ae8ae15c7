/**
 * The pack's wiring without starting it: what the policy engine hands over becomes the rules'
 * shape, the policy config becomes the rule context, and the pack's own package.json pins the
 * versions the project tests with.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PolicyResource } from '@pulumi/policy';
import { projectRoot } from '../../infra/packages';
import { rules } from '../../policy/rules';
import { fromPolicyResources, ruleContext } from '../../policy/stack-resources';

function policyResource(type: string, name: string, props: Record<string, unknown>, deps: Record<string, PolicyResource[]> = {}): PolicyResource {
  return { type, name, urn: `urn:pulumi:dev::p::${type}::${name}`, props, propertyDependencies: deps, dependencies: Object.values(deps).flat(), opts: {} } as unknown as PolicyResource;
}

describe('policy: the pack', () => {
  it('turns property dependencies into URNs, so rules link resources whose outputs are unknown in a preview', () => {
    const queue = policyResource('aws:sqs/queue:Queue', 'orders', { name: 'orders', visibilityTimeoutSeconds: 30 });
    const fn = policyResource('aws:lambda/function:Function', 'orders-function', { timeout: 30 });
    // In a preview of a new stack the ARNs are unknown: the props lack them, the links do not.
    const mapping = policyResource('aws:lambda/eventSourceMapping:EventSourceMapping', 'delivery', {}, { eventSourceArn: [queue], functionName: [fn] });
    const resources = fromPolicyResources([queue, fn, mapping]);
    expect(resources[2].propertyDependencies).to.deep.equal({ eventSourceArn: [queue.urn], functionName: [fn.urn] });
    const visibility = rules.find((r) => r.name === 'sqs-visibility-timeout')!;
    expect(visibility.check(resources, ruleContext(undefined)).map((v) => v.urn)).to.deep.equal([queue.urn]);
    const deadLetters = rules.find((r) => r.name === 'dead-letter-path')!;
    expect(deadLetters.check(resources, ruleContext(undefined)).map((v) => v.message)).to.deep.equal(['aws:sqs/queue:Queue "orders": feeds a function but has no redrivePolicy: set redrivePolicy { deadLetterTargetArn: <dead-letter queue ARN>, maxReceiveCount }']);
  });

  it('reads usersPublic from the policy config, false when absent', () => {
    expect(ruleContext(undefined).usersApiAnonymousAllowed).to.equal(false);
    expect(ruleContext({}).usersApiAnonymousAllowed).to.equal(false);
    expect(ruleContext({ usersPublic: true }).usersApiAnonymousAllowed).to.equal(true);
  });

  it('has one uniquely named rule per promise, each with a description', () => {
    expect(rules.map((r) => r.name)).to.deep.equal(['no-public-storage', 'encryption-on', 'least-privilege', 'dead-letter-path', 'sqs-visibility-timeout', 'alarms-exist', 'users-api-not-anonymous', 'supported-runtime', 'signed-uploads-only']);
    for (const rule of rules) expect(rule.description).to.match(/\.$/);
  });

  it('pins in policy/package.json the @pulumi versions the project is tested with', () => {
    const root = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const pack = JSON.parse(readFileSync(path.join(projectRoot, 'policy', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pack.dependencies['@pulumi/policy']).to.equal(root.devDependencies['@pulumi/policy']);
    expect(pack.dependencies['@pulumi/pulumi']).to.equal(root.dependencies['@pulumi/pulumi']);
    const lock = JSON.parse(readFileSync(path.join(projectRoot, 'policy', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    expect(lock.packages['node_modules/@pulumi/policy'].version).to.equal(pack.dependencies['@pulumi/policy']);
  });
});
