/**
 * The arithmetic: a plan and a workload in, one line per billed item out (quantity, what is free,
 * dollars). Free tiers are monthly and per account (AWS), subscription (Azure) or billing account
 * (Google Cloud), applied once to the whole stack. Not estimated: database requests and storage,
 * logs and metrics, alarms, data transfer, build and artifact storage.
 */
import type { FunctionName } from '../handlers/specs';
import type { Cloud, CostPlan } from './plan';
import { awsPrices, azurePrices, gcpPrices, gcpVcpusByMemoryMb, secondsPerMonth, type Price } from './pricing';
import { assumptions, type Workload } from './workload';

export interface CostLine {
  service: string;
  item: string;
  quantity: number;
  unit: string;
  /** Of the quantity, how much the free tier covers. */
  free: number;
  usd: number;
}

export interface Estimate {
  cloud: Cloud;
  lines: CostLine[];
  total: number;
}

/** A line for `quantity` units at `price`, less its monthly free tier (or `free` when given). */
export function charge(service: string, item: string, price: Price, quantity: number, free = price.freePerMonth ?? 0): CostLine {
  const covered = Math.min(quantity, free);
  return { service, item, quantity, unit: price.unit, free: covered, usd: ((quantity - covered) * price.usd) / price.per };
}

export function invocations(workload: Workload): Record<FunctionName, number> {
  return { users: workload.requests, images: workload.images, orders: workload.orders };
}

const names: FunctionName[] = ['images', 'users', 'orders'];
const gb = (mb: number) => mb / 1024;

export function estimate(plan: CostPlan, workload: Workload, cloud: Cloud = plan.cloud): Estimate {
  const lines = cloud === 'aws' ? aws(plan, workload) : cloud === 'azure' ? azure(plan, workload) : gcp(plan, workload);
  return { cloud, lines, total: lines.reduce((sum, l) => sum + l.usd, 0) };
}

function storage(plan: CostPlan, workload: Workload): { gbMonth: number; writes: number; reads: number } {
  // Originals are kept originalsExpireDays, so at steady state that many days of uploads are stored.
  const originalsMb = workload.images * assumptions.originalMb * (plan.originalsExpireDays / 30);
  const compressedMb = workload.images * assumptions.compressedMb;
  return { gbMonth: (originalsMb + compressedMb) / 1024, writes: 2 * workload.images, reads: workload.images };
}

function aws(plan: CostPlan, workload: Workload): CostLine[] {
  const p = awsPrices;
  const arm = plan.architecture === 'arm64';
  const calls = invocations(workload);
  const seconds = workload.avgMs / 1000;
  let onDemandRequests = 0, onDemandGbS = 0, warmRequests = 0, warmDurationGbS = 0, provisionedGbS = 0;
  for (const name of names) {
    const f = plan.functions[name];
    const gbS = calls[name] * seconds * gb(f.memoryMb);
    if (f.warmInstances > 0) {
      warmRequests += calls[name];
      warmDurationGbS += gbS;
      provisionedGbS += f.warmInstances * gb(f.memoryMb) * secondsPerMonth;
    } else {
      onDemandRequests += calls[name];
      onDemandGbS += gbS;
    }
  }
  const lines = [
    charge('Lambda', 'requests', p.lambdaRequests, onDemandRequests),
    charge('Lambda', `duration (${plan.architecture})`, arm ? p.lambdaGbSecondsArm : p.lambdaGbSecondsX86, onDemandGbS),
  ];
  if (provisionedGbS > 0) {
    lines.push(
      charge('Lambda', 'provisioned concurrency', arm ? p.provisionedGbSecondsArm : p.provisionedGbSecondsX86, provisionedGbS),
      charge('Lambda', 'requests (provisioned)', p.lambdaRequests, warmRequests, 0),
      charge('Lambda', 'duration (provisioned)', arm ? p.provisionedDurationArm : p.provisionedDurationX86, warmDurationGbS),
    );
  }
  const s = storage(plan, workload);
  lines.push(
    charge('API Gateway', 'HTTP API requests', p.httpApiRequests, workload.requests),
    charge('SQS', 'requests', p.sqsRequests, workload.orders * assumptions.sqsRequestsPerOrder),
    charge('SNS', 'publishes', p.snsPublishes, workload.orders),
    charge('S3', 'storage', p.s3StorageGbMonth, s.gbMonth),
    charge('S3', 'PUT requests', p.s3Writes, s.writes),
    charge('S3', 'GET requests', p.s3Reads, s.reads),
  );
  return lines;
}

function azure(plan: CostPlan, workload: Workload): CostLine[] {
  const p = azurePrices;
  const calls = invocations(workload);
  const instanceGb = gb(plan.azureInstanceMemoryMb);
  const seconds = workload.avgMs / 1000;
  let onDemand = 0, onDemandGbS = 0, ready = 0, readyGbS = 0, baselineGbS = 0;
  for (const name of names) {
    // Every execution is billed at the app's instance memory, whatever the function needs.
    const gbS = calls[name] * seconds * instanceGb;
    const warm = plan.functions[name].warmInstances;
    if (warm > 0) {
      ready += calls[name];
      readyGbS += gbS;
      baselineGbS += warm * instanceGb * secondsPerMonth;
    } else {
      onDemand += calls[name];
      onDemandGbS += gbS;
    }
  }
  const lines = [
    charge('Functions', 'executions', p.onDemandExecutions, onDemand),
    charge('Functions', `execution time (${plan.azureInstanceMemoryMb} MB instances)`, p.onDemandGbSeconds, onDemandGbS),
  ];
  if (baselineGbS > 0) {
    lines.push(
      charge('Functions', 'always-ready baseline', p.alwaysReadyBaselineGbSeconds, baselineGbS),
      charge('Functions', 'executions (always ready)', p.alwaysReadyExecutions, ready),
      charge('Functions', 'execution time (always ready)', p.alwaysReadyGbSeconds, readyGbS),
    );
  }
  const s = storage(plan, workload);
  lines.push(
    charge('Queue Storage', 'operations', p.queueOperations, workload.orders * assumptions.queueOperationsPerOrder),
    // One BlobCreated delivery per upload, one order event published per order.
    charge('Event Grid', 'operations', p.eventGridOperations, workload.images + workload.orders),
    charge('Blob Storage', 'storage', p.blobStorageGbMonth, s.gbMonth),
    charge('Blob Storage', 'write operations', p.blobWrites, s.writes),
    charge('Blob Storage', 'read operations', p.blobReads, s.reads),
  );
  return lines;
}

export function gcpVcpus(memoryMb: number): number {
  return (gcpVcpusByMemoryMb.find(([mb]) => mb >= memoryMb) ?? gcpVcpusByMemoryMb.at(-1)!)[1];
}

function gcp(plan: CostPlan, workload: Workload): CostLine[] {
  const p = gcpPrices;
  const calls = invocations(workload);
  const seconds = workload.avgMs / 1000;
  let requests = 0, vcpuS = 0, gibS = 0, idleVcpuS = 0, idleGibS = 0;
  for (const name of names) {
    const f = plan.functions[name];
    requests += calls[name];
    vcpuS += calls[name] * seconds * gcpVcpus(f.memoryMb);
    gibS += calls[name] * seconds * gb(f.memoryMb);
    // Min instances are billed at idle rates the whole month (the time they serve is billed above too: an upper bound).
    idleVcpuS += f.warmInstances * gcpVcpus(f.memoryMb) * secondsPerMonth;
    idleGibS += f.warmInstances * gb(f.memoryMb) * secondsPerMonth;
  }
  const lines = [
    charge('Cloud Run functions', 'requests', p.requests, requests),
    charge('Cloud Run functions', 'CPU', p.vcpuSeconds, vcpuS),
    charge('Cloud Run functions', 'memory', p.gibSeconds, gibS),
  ];
  if (idleVcpuS > 0) {
    lines.push(charge('Cloud Run functions', 'min instances CPU (idle)', p.idleVcpuSeconds, idleVcpuS), charge('Cloud Run functions', 'min instances memory (idle)', p.idleGibSeconds, idleGibS));
  }
  const messages = workload.orders * assumptions.pubsubMessagesPerOrder + workload.images * assumptions.pubsubMessagesPerImage;
  const s = storage(plan, workload);
  lines.push(
    // Every message is billed as at least 1,000 bytes.
    charge('Pub/Sub', 'throughput', p.pubsubTiB, (messages * 1000) / 1024 ** 4),
    charge('Cloud Storage', 'storage', p.storageGbMonth, s.gbMonth),
    charge('Cloud Storage', 'Class A operations', p.classAOperations, s.writes),
    charge('Cloud Storage', 'Class B operations', p.classBOperations, s.reads),
  );
  return lines;
}
