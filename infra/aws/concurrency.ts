/**
 * Provisioned concurrency (`functions.<name>.warmInstances`) draws on the account's concurrency
 * in the Region, and Lambda always keeps 100 of it unreserved: "You can reserve up to the
 * Unreserved account concurrency value minus 100" (Lambda developer guide, "Configuring reserved
 * concurrency", https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). The
 * default quota is 1,000 per Region (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html),
 * so at most 900 warm instances fit across all functions of an account, this stack's included.
 * New accounts often start with a quota of 10, where even 1 fails with
 * "InvalidParameterValueException: Specified ConcurrentExecutions for function decreases account's
 * UnreservedConcurrentExecution below its minimum value of [10]" (PutProvisionedConcurrencyConfig):
 * the quota is not readable offline, so the message says what to ask for.
 */
import { refuse } from '../config-values';
import type { StackConfig } from '../config';

export const defaultAccountConcurrency = 1000;
export const unreservedMinimum = 100;
export const maxWarmInstances = defaultAccountConcurrency - unreservedMinimum;

/** Refuses warm instances that cannot fit in a default account, naming the quota to raise. */
export function checkWarmInstances(config: StackConfig): void {
  const warm = Object.values(config.functions).filter((p) => p.warmInstances > 0);
  const total = warm.reduce((sum, p) => sum + p.warmInstances, 0);
  if (total <= maxWarmInstances) return;
  const largest = warm.reduce((a, b) => (b.warmInstances > a.warmInstances ? b : a));
  refuse(`${config.project}:functions.${largest.spec.name}.warmInstances`, largest.warmInstances,
    `warm instances totalling at most ${maxWarmInstances} across the functions (now ${total}): Lambda keeps ${unreservedMinimum} of the account's ` +
    `concurrency (${defaultAccountConcurrency} per Region by default, often 10 on a new account) unreserved. ` +
    'Raise "Concurrent executions" in Service Quotas first (docs/deploy-rules.md, AWS)');
}
