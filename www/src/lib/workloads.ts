// The page's workload table: the kinds it can show (order, labels, blurbs, hints) and its fallback copy of the core's ranges and limits.
import type { WorkloadKind } from '../engine/types';

export type Range = { min: number; max: number };
export type ExtraSpec = { name: string; label: string; integer: boolean; min: number; max: number; default: number; hint: string };
export type WorkloadInfo = { kind: WorkloadKind; label: string; blurb: string; ropeDefault: boolean; extras: ExtraSpec[] };

/** The sizes a request may have; `seed` is the page's own range (the core takes any u64). */
export type SizeLimits = { n: Range; d_k: Range; d_v: Range; seed: Range; attentionN: number; statsN: number };

/** What the page checks workloads against and builds them from: the kinds offered, in order, and the limits. */
export type WorkloadSpecs = { kinds: readonly WorkloadInfo[]; limits: SizeLimits };

/**
 * The core's values as of this writing, used before the core's catalog arrives and with a core that has no
 * workload catalog. With one, only the labels, blurbs, hints and order below are the page's (workloadSpecs.ts).
 */
export const FALLBACK_SPECS: WorkloadSpecs = {
  kinds: [
    { kind: 'gaussian', label: 'gaussian', blurb: 'Q, K, V with iid N(0, 1) entries: no structure at all.', ropeDefault: false, extras: [] },
    {
      kind: 'clustered',
      label: 'clustered',
      blurb: 'Keys sit around a few centres: softmax picks a cluster, smooth maps blur them.',
      ropeDefault: false,
      extras: [
        { name: 'clusters', label: 'clusters', integer: true, min: 1, max: 4096, default: 4, hint: 'number of key centres' },
        { name: 'spread', label: 'spread', integer: false, min: 0, max: 10, default: 0.3, hint: 'noise around each centre' },
      ],
    },
    {
      kind: 'local',
      label: 'local',
      blurb: 'Position-dependent Q and K (RoPE on by default): nearby tokens match best.',
      ropeDefault: true,
      extras: [{ name: 'strength', label: 'strength', integer: false, min: 0, max: 10, default: 3, hint: 'how strongly position decides the score' }],
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
  ],
  limits: {
    n: { min: 1, max: 65536 },
    d_k: { min: 1, max: 256 },
    d_v: { min: 1, max: 256 },
    seed: { min: 0, max: 4294967295 },
    attentionN: 2048,
    statsN: 1024,
  },
};

/** The kinds the page has controls and words for (a URL may name only these). */
export const PAGE_KINDS: readonly WorkloadKind[] = FALLBACK_SPECS.kinds.map((w) => w.kind);
