// View state → the exact engine Request per selected variant (N×N budget, RoPE, compare_to), and error fields → controls.
import type { OutputKind, Request, Workload } from '../engine/types';
import type { Selected, WorkloadState } from '../state/view';
import type { GivenQKV } from './given';
import { variantSpec } from './params';
import { workloadInfo } from './workloadSpecs';
import type { SizeLimits, WorkloadSpecs } from './workloads';

export type BuildOptions = {
  /** Ask the core for errors against softmax (only cores that know compare_to). */
  compareTo: boolean;
  /** The pasted Q, K, V of the given workload. */
  given: GivenQKV | null;
  /** The workload registry (the core's catalog): extras, RoPE defaults ("rope" is sent only when it differs), limits. */
  specs: WorkloadSpecs;
};

/** What can be drawn for n tokens within the core's n×n budget: map and statistics, the map only, or outputs only. */
export function outputsFor(n: number, limits: SizeLimits): OutputKind[] {
  if (n <= limits.statsN) return ['attention', 'stats'];
  if (n <= limits.attentionN) return ['attention'];
  return ['output'];
}

export function buildWorkload(w: WorkloadState, given: GivenQKV | null, specs: WorkloadSpecs): Workload {
  const info = workloadInfo(specs, w.kind);
  const rope = w.rope !== null && w.rope !== (info?.ropeDefault ?? false) ? { rope: w.rope } : {};
  if (w.kind === 'given') {
    if (!given) throw new Error('buildWorkload: the given workload needs Q, K and V');
    return { kind: 'given', q: given.q, k: given.k, v: given.v, ...rope };
  }
  const d_k = w.d_k as number;
  const out: Workload = { kind: w.kind, n: w.n as number, d_k, d_v: w.d_v ?? d_k, seed: w.seed as number, ...rope };
  for (const e of info?.extras ?? []) {
    const v = w.extras[e.name];
    if (v !== undefined) out[e.name] = v;
  }
  return out;
}

/** The exact Request for one selected variant: also what `attnscope eval` takes on stdin. */
export function buildRequest(sel: Selected, w: WorkloadState, opts: BuildOptions): Request {
  const workload = buildWorkload(w, opts.given, opts.specs);
  const n = workload.kind === 'given' ? workload.q.length : workload.n;
  const req: Request = {
    variant: variantSpec(sel.name, sel.params),
    causal: w.causal,
    workload,
    backend: 'auto',
    outputs: outputsFor(n, opts.specs.limits),
  };
  if (opts.compareTo && sel.name !== 'softmax') req.compare_to = 'softmax';
  return req;
}

/** A short label for a selection: the name plus the params that differ from the defaults. */
export function selectionLabel(sel: Selected): string {
  const ps = Object.entries(sel.params)
    .filter(([, v]) => !Array.isArray(v))
    .map(([k, v]) => `${k} ${String(v)}`);
  const matrices = Object.entries(sel.params).filter(([, v]) => Array.isArray(v)).map(([k]) => `${k} given`);
  const all = [...ps, ...matrices];
  return all.length ? `${sel.name} (${all.join(', ')})` : sel.name;
}

export type ErrorTarget = { kind: 'workload'; control: string } | { kind: 'param'; param: string } | { kind: 'none' };

/** Where a core error field belongs: "workload.n" → the n control, "variant.features" → that param. */
export function targetForField(field: string): ErrorTarget {
  const parts = field.split(/[.[\]/]/).filter(Boolean);
  const head = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (head === 'variant' && parts.length >= 2 && last !== 'name') return { kind: 'param', param: parts[1]! };
  if (head === 'workload') {
    if (['q', 'k', 'v'].includes(parts[1] ?? '')) return { kind: 'workload', control: 'given' };
    return { kind: 'workload', control: parts[1] ?? 'kind' };
  }
  if (head === 'causal') return { kind: 'workload', control: 'causal' };
  if (head === 'outputs') return { kind: 'workload', control: 'n' };
  return { kind: 'none' };
}
