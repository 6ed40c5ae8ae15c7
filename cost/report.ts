/** The estimate as text: a table per service with subtotals and a total; `--compare`: the clouds side by side. */
import type { Estimate } from './estimate';
import type { Cloud, CostPlan } from './plan';
import { assumptions, type Workload } from './workload';

const cloudNames: Record<Cloud, string> = { aws: 'AWS', azure: 'Azure', gcp: 'Google Cloud' };

export const usd = (n: number) => `$${n.toFixed(2)}`;
const count = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 4 }));

function columns(rows: string[][], right: number[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

export function workloadLine(plan: CostPlan, workload: Workload): string {
  const fns = Object.entries(plan.functions).map(([name, f]) => `${name} ${f.memoryMb} MB${f.warmInstances ? ` (${f.warmInstances} warm)` : ''}`).join(', ');
  return `Workload a month: ${count(workload.requests)} users API requests, ${count(workload.images)} images, ${count(workload.orders)} orders, ${workload.avgMs} ms per invocation. Functions: ${fns}.`;
}

export function footnote(): string {
  return [
    `Assumed: originals ${assumptions.originalMb} MB, compressed ${assumptions.compressedMb} MB; list prices, one region per cloud (cost/pricing.ts: each price with its page and date).`,
    'Not estimated: database requests and storage, logs and metrics, alarms, data transfer, builds.',
  ].join('\n');
}

export function stackReport(plan: CostPlan, workload: Workload, estimate: Estimate): string {
  const rows: string[][] = [['SERVICE', 'ITEM', 'QUANTITY', 'UNIT', 'FREE', 'USD']];
  const services = [...new Set(estimate.lines.map((l) => l.service))];
  for (const service of services) {
    const lines = estimate.lines.filter((l) => l.service === service);
    for (const l of lines) rows.push([l.service, l.item, count(l.quantity), l.unit, count(l.free), usd(l.usd)]);
    rows.push(['', `${service} subtotal`, '', '', '', usd(lines.reduce((s, l) => s + l.usd, 0))]);
  }
  rows.push(['TOTAL', '', '', '', '', usd(estimate.total)]);
  const title = `Monthly estimate for stack ${plan.stack} on ${cloudNames[estimate.cloud]}${estimate.cloud === 'aws' ? ` (${plan.architecture})` : ''}`;
  return [title, workloadLine(plan, workload), '', columns(rows, [2, 4, 5]), '', footnote()].join('\n');
}

const categories: Record<string, string> = {
  Lambda: 'functions', Functions: 'functions', 'Cloud Run functions': 'functions',
  'API Gateway': 'HTTP front door',
  SQS: 'queues and topics', SNS: 'queues and topics', 'Queue Storage': 'queues and topics', 'Event Grid': 'queues and topics', 'Pub/Sub': 'queues and topics',
  S3: 'object storage', 'Blob Storage': 'object storage', 'Cloud Storage': 'object storage',
};

export function compareReport(plan: CostPlan, workload: Workload, estimates: Estimate[]): string {
  const order = ['functions', 'HTTP front door', 'queues and topics', 'object storage'];
  const rows: string[][] = [['', ...estimates.map((e) => cloudNames[e.cloud])]];
  for (const category of order) {
    rows.push([category, ...estimates.map((e) => usd(e.lines.filter((l) => categories[l.service] === category).reduce((s, l) => s + l.usd, 0)))]);
  }
  rows.push(['TOTAL', ...estimates.map((e) => usd(e.total))]);
  const right = estimates.map((_, i) => i + 1);
  return [`The workload of stack ${plan.stack} on each cloud, a month`, workloadLine(plan, workload), '', columns(rows, right), '', footnote()].join('\n');
}
