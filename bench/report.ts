/**
 * Statistics and Markdown for every benchmark: one place computes a median or a p99 and
 * formats a table, so that two benchmarks cannot disagree on what "p99" means.
 */
import { cpus, totalmem } from 'node:os';
import type { TargetCheck } from './targets';

/** Sorted copy; the inputs are never reordered in place. */
function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no samples');
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`not a finite sample: ${v}`);
  return [...values].sort((a, b) => a - b);
}

/**
 * The nearest-rank percentile (the smallest sample with at least p% of samples at or below it):
 * it is always an observed value, so a p99 of 100 samples is the 99th smallest, not a blend.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile out of range: ${p}`);
  const s = sorted(values);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.max(0, rank - 1)];
}

/** The middle sample, or the mean of the two middle samples for an even count. */
export function median(values: readonly number[]): number {
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface Summary {
  count: number;
  median: number;
  p99: number;
  min: number;
  max: number;
}

export function summarise(values: readonly number[]): Summary {
  const s = sorted(values);
  return { count: s.length, median: median(s), p99: percentile(s, 99), min: s[0], max: s[s.length - 1] };
}

/** "2.41x"; a ratio against zero or a missing figure is shown as such, not as Infinity. */
export function ratio(value: number, baseline: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return 'n/a';
  return `${(value / baseline).toFixed(2)}x`;
}

/** Milliseconds with a precision that suits the magnitude: 0.012 ms, 4.31 ms, 812 ms. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 1) return `${value.toFixed(3)} ms`;
  if (value < 100) return `${value.toFixed(2)} ms`;
  return `${Math.round(value)} ms`;
}

/** Bytes in KiB (1024) below a MiB, MiB above: the units Lambda's limits are given in. */
export function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(1)} MiB`;
}

/** A signed difference in milliseconds: "+12.40 ms". */
export function msDelta(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : '-'}${ms(Math.abs(value))}`;
}

/** A GitHub-flavoured Markdown table; pipes inside cells are escaped so a cell cannot split. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const row of rows) {
    if (row.length !== headers.length) throw new Error(`row has ${row.length} cells, the table ${headers.length} columns`);
  }
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** One benchmark's part of BENCHMARKS.md. */
export interface Section {
  title: string;
  /** The command that reproduces this section alone. */
  command: string;
  /** Markdown: tables and notes. */
  body: string;
  /** The design's targets this benchmark measured (gathered into "Against the targets"). */
  targets?: TargetCheck[];
}

export function renderSection(section: Section): string {
  return `## ${section.title}\n\nCommand: \`${section.command}\`\n\n${section.body.trim()}\n`;
}

export function machine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model?.trim() || 'unknown CPU';
  return `${model}, ${cpu.length} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.version}, ${process.platform}-${process.arch}`;
}
