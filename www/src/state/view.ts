// The whole view as plain data (what the URL hash holds): selected variants, workload, row selection, scale, tab.
import type { ParamValues } from '../lib/params';
import type { WorkloadKind } from '../engine/types';
import { checkExtra, workloadInfo } from '../lib/workloadSpecs';
import type { WorkloadSpecs } from '../lib/workloads';

export type Selected = { name: string; params: ParamValues };

export type WorkloadState = {
  kind: WorkloadKind;
  /** null while a number box is empty. */
  n: number | null;
  d_k: number | null;
  /** null = same as d_k. */
  d_v: number | null;
  seed: number | null;
  causal: boolean;
  /** null = the kind's default (on for local). */
  rope: boolean | null;
  /** Extra parameters of the kind (clusters, spread, …); absent = default. */
  extras: Record<string, number>;
};

export type ScaleMode = 'linear' | 'log';
/** One colour scale for every map (comparable colours), or each map stretched over its own range. */
export type ScaleRange = 'shared' | 'map';
/** How large the maps are drawn: the grid fits as many columns of that width as the screen allows. */
export type MapSize = 'small' | 'medium' | 'large';
/** Every map size, smallest first (the URL's size= values; medium is the default and omitted). */
export const MAP_SIZES: readonly MapSize[] = ['small', 'medium', 'large'];
export type Tab = 'compare' | 'catalog' | 'icl';
/** Every tab, in the order of the tab bar (the URL's tab= values). */
export const TABS: readonly Tab[] = ['compare', 'catalog', 'icl'];

export type ViewState = {
  variants: Selected[];
  workload: WorkloadState;
  row: number | null;
  locked: boolean;
  scale: ScaleMode;
  range: ScaleRange;
  tab: Tab;
  mapSize: MapSize;
  /** Presentation mode for projecting: larger type and thicker lines. */
  present: boolean;
};

/** At most this many maps at once. */
export const MAX_VARIANTS = 12;

/** The base of every preset's workload, and what a dropped field of the URL falls back to. */
export const DEFAULT_WORKLOAD: WorkloadState = {
  kind: 'gaussian',
  n: 64,
  d_k: 16,
  d_v: null,
  seed: 1,
  causal: false,
  rope: null,
  extras: {},
};

/**
 * The first view: softmax next to three linear variants on 128 clustered tokens, where softmax rows pick one
 * cluster's keys (sharp stripes) and the linear maps spread them (on iid gaussian tokens every map looked dark).
 */
export const DEFAULT_VIEW: ViewState = {
  variants: [
    { name: 'softmax', params: {} },
    { name: 'linear_elu', params: {} },
    { name: 'performer', params: {} },
    { name: 'based', params: {} },
  ],
  workload: { ...DEFAULT_WORKLOAD, kind: 'clustered', n: 128 },
  row: null,
  locked: false,
  scale: 'linear',
  range: 'shared',
  tab: 'compare',
  mapSize: 'medium',
  present: false,
};

export type WorkloadErrors = Partial<Record<'kind' | 'n' | 'd_k' | 'd_v' | 'seed' | 'rope' | 'causal' | 'given', string>> &
  Record<string, string | undefined>;

function checkInt(v: number | null, name: string, min: number, max: number): string | undefined {
  if (v === null || !Number.isFinite(v)) return `${name} must be a whole number`;
  if (!Number.isInteger(v)) return `${name} must be a whole number, got ${v}`;
  if (v < min || v > max) return `${name} must be between ${min} and ${max}, got ${v}`;
  return undefined;
}

/** Client-side checks of the workload controls against the registry (the core's ranges); {} when they make a valid request. */
export function validateWorkload(w: WorkloadState, specs: WorkloadSpecs): WorkloadErrors {
  const e: WorkloadErrors = {};
  const info = workloadInfo(specs, w.kind);
  if (!info) {
    e.kind = `unknown workload ${w.kind}`;
    return e;
  }
  const { limits } = specs;
  if (w.kind !== 'given') {
    const n = checkInt(w.n, 'n', limits.n.min, limits.n.max);
    if (n) e.n = n;
    const dk = checkInt(w.d_k, 'd_k', limits.d_k.min, limits.d_k.max);
    if (dk) e.d_k = dk;
    if (w.d_v !== null) {
      const dv = checkInt(w.d_v, 'd_v', limits.d_v.min, limits.d_v.max);
      if (dv) e.d_v = dv;
    }
    const seed = checkInt(w.seed, 'seed', limits.seed.min, limits.seed.max);
    if (seed) e.seed = seed;
  }
  for (const spec of info.extras) {
    const v = w.extras[spec.name];
    if (v === undefined) continue;
    const err = checkExtra(spec, v);
    if (err) e[spec.name] = err;
  }
  return e;
}

/** What the sequence length will be (given: the rows of Q), for the N×N budget. */
export function effectiveN(w: WorkloadState, givenRows: number | null): number | null {
  return w.kind === 'given' ? givenRows : w.n;
}
