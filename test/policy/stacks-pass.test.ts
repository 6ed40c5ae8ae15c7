/**
 * Every policy rule over the resources the offline mocks record for each committed stack file:
 * all pass. The users API rule reads the stack's own declaration (usersPublic) as the workflow
 * hands it to the pack (policy/stack-config.ts).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../../infra/packages';
import type { StackResource } from '../../policy/resources';
import { rules } from '../../policy/rules';
import { policyConfig } from '../../policy/stack-config';
import { ruleContext, type UsersApiPolicyConfig } from '../../policy/stack-resources';
import { committedStack, stacks, type Cloud } from './stacks';

const contextOf = (stack: string) => ruleContext(policyConfig(stack)['users-api-not-anonymous'] as UsersApiPolicyConfig);

describe('policy: the committed stacks', function () {
  this.timeout(120000);
  const recorded: Partial<Record<Cloud, StackResource[]>> = {};
  before(async () => {
    for (const cloud of Object.keys(stacks) as Cloud[]) recorded[cloud] = await committedStack(cloud);
  });

  for (const cloud of Object.keys(stacks) as Cloud[]) {
    const stack = stacks[cloud];
    it(`${stack} (${cloud}): every rule but the users API one passes`, () => {
      const resources = recorded[cloud]!;
      expect(resources.length).to.be.greaterThan(20);
      const found = rules.filter((r) => r.name !== 'users-api-not-anonymous').flatMap((r) => r.check(resources, contextOf(stack)));
      expect(found).to.deep.equal([]);
    });
  }

  it('the users API rule passes on dev-gcp (private), and on dev and dev-azure (no tokens) exactly when their config declares usersPublic', () => {
    const rule = rules.find((r) => r.name === 'users-api-not-anonymous')!;
    expect(rule.check(recorded.gcp!, contextOf('dev-gcp'))).to.deep.equal([]);
    for (const cloud of ['aws', 'azure'] as const) {
      const context = contextOf(stacks[cloud]);
      const found = rule.check(recorded[cloud]!, context);
      // Without the declaration the rule reports the open entry points; with it, nothing.
      if (context.usersApiAnonymousAllowed) expect(found).to.deep.equal([]);
      else expect(found.map((v) => v.message).join('\n')).to.include('pulumi config set usersPublic true');
      expect(rule.check(recorded[cloud]!, { usersApiAnonymousAllowed: true })).to.deep.equal([]);
    }
  });

  it('policy/stack-config.ts turns usersPublic in a stack file into the pack config', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mcf-policy-config-'));
    try {
      writeFileSync(path.join(root, 'Pulumi.yaml'), readFileSync(path.join(projectRoot, 'Pulumi.yaml')));
      writeFileSync(path.join(root, 'Pulumi.open.yaml'), 'config:\n  multicloud-functions:cloud: aws\n  multicloud-functions:usersPublic: true\n');
      writeFileSync(path.join(root, 'Pulumi.closed.yaml'), 'config:\n  multicloud-functions:cloud: aws\n');
      expect(policyConfig('open', root)).to.deep.equal({ 'users-api-not-anonymous': { usersPublic: true } });
      expect(policyConfig('closed', root)).to.deep.equal({ 'users-api-not-anonymous': { usersPublic: false } });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
