// Checks a view's workload against the workload registry (the core's kinds, ranges and limits), dropping and reporting what it rejects.
import { checkExtra, kindWithExtra, workloadInfo } from '../lib/workloadSpecs';
import type { Range, WorkloadSpecs } from '../lib/workloads';
import { DEFAULT_VIEW, type ViewState, type WorkloadState } from './view';

/** A dropped field falls back to the default view's value. */
const DEFAULT = DEFAULT_VIEW.workload;

/** A size in range, or the default view's value with a problem; null (an empty box, d_v = d_k) stays null. */
function within(name: string, v: number | null, range: Range, fallback: number | null, problems: string[]): number | null {
  if (v === null || (Number.isInteger(v) && v >= range.min && v <= range.max)) return v;
  problems.push(`dropped ${name}="${v}": expected a whole number in ${range.min}..${range.max}`);
  return fallback;
}

/**
 * The view with a workload the registry accepts: a kind it offers, sizes within its limits, only the kind's
 * extras and each within its range, and a row below n. What was dropped is said in `problems`.
 */
export function resolveWorkload(s: ViewState, specs: WorkloadSpecs): { state: ViewState; problems: string[] } {
  const problems: string[] = [];
  const w: WorkloadState = { ...s.workload, extras: {} };
  let info = workloadInfo(specs, w.kind);
  if (!info) {
    info = workloadInfo(specs, DEFAULT.kind) ?? specs.kinds[0]!;
    problems.push(`dropped w="${w.kind}": the engine offers ${specs.kinds.map((k) => k.kind).join(', ')}`);
    w.kind = info.kind;
  }
  const { limits } = specs;
  w.n = within('n', w.n, limits.n, DEFAULT.n, problems);
  w.d_k = within('d_k', w.d_k, limits.d_k, DEFAULT.d_k, problems);
  w.d_v = within('d_v', w.d_v, limits.d_v, DEFAULT.d_v, problems);
  w.seed = within('seed', w.seed, limits.seed, DEFAULT.seed, problems);
  for (const [name, v] of Object.entries(s.workload.extras)) {
    const spec = info.extras.find((e) => e.name === name);
    const err = spec ? checkExtra(spec, v) : null;
    if (!spec) problems.push(kindWithExtra(specs, name) ? `dropped ${name}: not a parameter of the ${w.kind} workload` : `dropped unknown field "${name}"`);
    else if (err) problems.push(`dropped ${name}="${v}": ${err}`);
    else w.extras[name] = v;
  }
  let row = s.row;
  const n = w.kind === 'given' ? limits.n.max : (w.n ?? 1);
  if (row !== null && row > n - 1) {
    problems.push(`dropped row="${row}": expected a whole number in 0..${n - 1}`);
    row = null;
  }
  return { state: { ...s, workload: w, row, locked: s.locked && row !== null }, problems };
}
