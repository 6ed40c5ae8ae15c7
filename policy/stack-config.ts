/**
 * `npx tsx policy/stack-config.ts <stack>` prints the policy pack's config for a stack, read from
 * the stack's own config (Pulumi.yaml defaults, then Pulumi.<stack>.yaml): the pack cannot read
 * stack config itself, so the workflow writes this file and passes it with --policy-pack-config.
 */
import { loadStackConfig } from '../infra/offline/run-stack';

/** `root`: where Pulumi.yaml and the stack files are (the project by default). */
export function policyConfig(stack: string, root?: string): Record<string, Record<string, unknown>> {
  const { project, config } = loadStackConfig(stack, root);
  return { 'users-api-not-anonymous': { usersPublic: config[`${project}:usersPublic`] === 'true' } };
}

if (require.main === module) {
  const stack = process.argv[2];
  if (!stack) {
    console.error('usage: npx tsx policy/stack-config.ts <stack>');
    process.exitCode = 2;
  } else {
    console.log(JSON.stringify(policyConfig(stack), null, 2));
  }
}
