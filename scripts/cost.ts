/**
 * `npm run cost -- <stack> [--requests N] [--avg-ms N] [--images N] [--orders N] [--compare]`
 *
 * Estimates the monthly bill of a stack for a workload, from the stack's own config (memory,
 * architecture, warm instances) and the pricing table in cost/pricing.ts. With --compare, the
 * same functions and workload priced on AWS, Azure and Google Cloud side by side.
 */
import { estimate } from '../cost/estimate';
import { planForStack } from '../cost/plan';
import { compareReport, stackReport } from '../cost/report';
import { parseCostArgs } from '../cost/workload';
import { stackFiles } from '../infra/offline/run-stack';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function costCommand(argv: string[]): CommandResult {
  const usage = `usage: npm run cost -- <stack> [--requests N] [--avg-ms N] [--images N] [--orders N] [--compare]\nstacks: ${stackFiles().join(', ')}`;
  try {
    const { stack, compare, workload } = parseCostArgs(argv);
    if (!stack) return { code: 2, stdout: '', stderr: usage };
    const plan = planForStack(stack);
    const stdout = compare
      ? compareReport(plan, workload, (['aws', 'azure', 'gcp'] as const).map((cloud) => estimate(plan, workload, cloud)))
      : stackReport(plan, workload, estimate(plan, workload));
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    return { code: 1, stdout: '', stderr: `${(error as Error).message}\n${usage}` };
  }
}

if (require.main === module) {
  const result = costCommand(process.argv.slice(2));
  if (result.stdout) console.log(result.stdout);
  if (result.stderr) console.error(result.stderr);
  process.exitCode = result.code;
}
