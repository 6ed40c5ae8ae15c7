/**
 * What the bill depends on, read from a stack's own config (Pulumi.yaml defaults, then
 * Pulumi.<stack>.yaml): each function's memory and warm instances, the AWS architecture, the
 * Azure app's instance memory, how long originals are kept. The same plan priced on another
 * cloud is the `--compare` view.
 */
import { allSpecs, type FunctionName } from '../handlers/specs';
import { loadStackConfig } from '../infra/offline/run-stack';
import { azureInstanceSizesMb } from './pricing';

export type Cloud = 'aws' | 'azure' | 'gcp';
export type Architecture = 'arm64' | 'x86_64';

export interface FunctionCostPlan {
  memoryMb: number;
  /** AWS provisioned concurrency, Azure always-ready instances, Google Cloud min instances. */
  warmInstances: number;
}

export interface CostPlan {
  stack: string;
  cloud: Cloud;
  functions: Record<FunctionName, FunctionCostPlan>;
  /** Lambda's architecture: infra/aws/function.ts deploys arm64. */
  architecture: Architecture;
  /** Flex Consumption bills the app's instance memory, shared by the three functions. */
  azureInstanceMemoryMb: number;
  originalsExpireDays: number;
}

/** The architecture infra/aws/function.ts deploys (kept here to spare the estimate loading @pulumi/aws). */
export const awsArchitecture: Architecture = 'arm64';

export function planFromConfig(stack: string, config: Record<string, string>, project: string): CostPlan {
  const get = (key: string) => config[`${project}:${key}`];
  const cloud = get('cloud') as Cloud;
  if (!['aws', 'azure', 'gcp'].includes(cloud)) throw new Error(`stack ${stack}: config "cloud" is ${JSON.stringify(cloud)}, expected aws, azure or gcp`);
  const overrides = (get('functions') ? JSON.parse(get('functions')) : {}) as Record<string, { memoryMb?: number; warmInstances?: number }>;
  const functions = {} as Record<FunctionName, FunctionCostPlan>;
  for (const spec of allSpecs) {
    const o = overrides[spec.name] ?? {};
    functions[spec.name] = { memoryMb: Number(o.memoryMb ?? spec.memoryMb), warmInstances: Number(o.warmInstances ?? 0) };
  }
  const largest = Math.max(...Object.values(functions).map((f) => f.memoryMb));
  const smallestFit = azureInstanceSizesMb.find((s) => s >= largest) ?? azureInstanceSizesMb.at(-1)!;
  return {
    stack,
    cloud,
    functions,
    architecture: awsArchitecture,
    azureInstanceMemoryMb: get('instanceMemoryMb') ? Number(get('instanceMemoryMb')) : smallestFit,
    originalsExpireDays: Number(get('originalsExpireDays') ?? 30),
  };
}

export function planForStack(stack: string): CostPlan {
  const { project, config } = loadStackConfig(stack);
  return planFromConfig(stack, config, project);
}
