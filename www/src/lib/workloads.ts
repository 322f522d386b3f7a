// The workload kinds the page offers, their extra parameters and ranges, and the shared limits.
import type { WorkloadKind } from '../engine/types';

export type ExtraSpec = { name: string; label: string; integer: boolean; min: number; max: number; default: number; hint: string };
export type WorkloadInfo = { kind: WorkloadKind; label: string; blurb: string; ropeDefault: boolean; extras: ExtraSpec[] };

export const WORKLOADS: readonly WorkloadInfo[] = [
  { kind: 'gaussian', label: 'gaussian', blurb: 'Q, K, V with iid N(0, 1) entries: no structure at all.', ropeDefault: false, extras: [] },
  {
    kind: 'clustered',
    label: 'clustered',
    blurb: 'Keys sit around a few centres: softmax picks a cluster, smooth maps blur them.',
    ropeDefault: false,
    extras: [
      { name: 'clusters', label: 'clusters', integer: true, min: 1, max: 64, default: 4, hint: 'number of key centres' },
      { name: 'spread', label: 'spread', integer: false, min: 0, max: 10, default: 0.3, hint: 'noise around each centre' },
    ],
  },
  {
    kind: 'local',
    label: 'local',
    blurb: 'Position-dependent Q and K (RoPE on by default): nearby tokens match best.',
    ropeDefault: true,
    extras: [{ name: 'strength', label: 'strength', integer: false, min: 0, max: 100, default: 3, hint: 'how strongly position decides the score' }],
  },
  {
    kind: 'copy',
    label: 'copy',
    blurb: 'A pattern that repeats with a period: an induction head attends one period back.',
    ropeDefault: false,
    extras: [{ name: 'period', label: 'period', integer: true, min: 1, max: 4096, default: 8, hint: 'tokens per repeat' }],
  },
  {
    kind: 'recall',
    label: 'recall',
    blurb: 'Key–value pairs, then queries that each match one stored key (associative recall).',
    ropeDefault: false,
    extras: [{ name: 'pairs', label: 'pairs', integer: true, min: 1, max: 4096, default: 8, hint: 'stored key–value pairs' }],
  },
  { kind: 'given', label: 'given (paste Q, K, V)', blurb: 'Your own Q, K, V as JSON or CSV.', ropeDefault: false, extras: [] },
];

export function workloadInfo(kind: string): WorkloadInfo | null {
  return WORKLOADS.find((w) => w.kind === kind) ?? null;
}

/** The core's limits and the N×N budget (attention needs n ≤ 2048, stats n ≤ 1024). */
export const LIMITS = {
  n: { min: 1, max: 65536 },
  d: { min: 1, max: 256 },
  seed: { min: 0, max: 4294967295 },
  attentionN: 2048,
  statsN: 1024,
} as const;

/** Every extra parameter name of every kind (the URL parser accepts these). */
export const EXTRA_NAMES: readonly string[] = WORKLOADS.flatMap((w) => w.extras.map((e) => e.name));

export function checkExtra(spec: ExtraSpec, v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${spec.name} must be a number`;
  if (spec.integer && !Number.isInteger(v)) return `${spec.name} must be a whole number, got ${v}`;
  if (v < spec.min || v > spec.max) return `${spec.name} must be between ${spec.min} and ${spec.max}, got ${v}`;
  return null;
}
