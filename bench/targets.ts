/**
 * The design's targets (issue "Benchmarks"), each checked against what a benchmark measured on
 * this run: the benchmark that measures a figure also says whether it meets its target and, when
 * it does not, why and what would close the gap. `npm run bench` gathers them into one section.
 */
import { table } from './report';

export interface TargetCheck {
  /** The target as the design states it. */
  target: string;
  /** What it is checked on (a package, a photo set). */
  subject: string;
  /** The measured figure, with its unit and how it was taken. */
  measured: string;
  /** undefined: not measured on this run (the reason is in `why`). */
  met: boolean | undefined;
  /** For a miss (or a figure not measured): why. */
  why?: string;
  /** For a miss: what would close it. */
  close?: string;
}

/** `value` against an upper (`max`) or lower (`min`) bound; NaN is "not measured". */
export function meets(value: number, bound: number, kind: 'max' | 'min'): boolean | undefined {
  if (!Number.isFinite(value)) return undefined;
  return kind === 'max' ? value <= bound : value >= bound;
}

export function verdict(met: boolean | undefined): string {
  return met === undefined ? 'not measured' : met ? 'met' : 'MISSED';
}

/** The table of every check, then for each miss its explanation and what would close it. */
export function renderTargets(checks: readonly TargetCheck[]): string {
  if (checks.length === 0) return 'No target was measured on this run.';
  const rows = checks.map((c) => [c.target, c.subject, c.measured, verdict(c.met)]);
  const misses = checks.filter((c) => c.met !== true && (c.why || c.close));
  const met = checks.filter((c) => c.met === true).length;
  const missed = checks.filter((c) => c.met === false).length;
  return [
    `${met} met, ${missed} missed, ${checks.length - met - missed} not measured.`,
    '',
    table(['target', 'on', 'measured', 'verdict'], rows),
    ...(misses.length
      ? [
          '',
          '### Why each miss, and what would close it',
          '',
          ...misses.map((c) => `- **${c.target}, ${c.subject}** (${verdict(c.met)}): ${c.why ?? ''}${c.close ? ` *What would close it:* ${c.close}` : ''}`),
        ]
      : []),
  ].join('\n');
}
