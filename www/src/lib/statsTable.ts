// The statistics table: one row per displayed variant, one column per statistic (also the CSV export).
import type { Request, Response } from '../engine/types';
import { glossaryTitle } from './glossary';

/** One displayed map: its label, the exact request sent and the answer. */
export type Result = { slot: number; label: string; request: Request; response: Response };

export type Column = {
  key: string;
  label: string;
  title: string;
  numeric: boolean;
  /** Whole numbers (counts) are shown without decimals. */
  integer?: boolean;
  get: (r: Result) => number | string | null;
};

const s = (r: Result) => r.response.stats;
const vs = (r: Result) => r.response.stats?.vs_softmax ?? null;

export const COLUMNS: readonly Column[] = [
  { key: 'variant', label: 'variant', title: 'the selected variant and its parameters', numeric: false, get: (r) => r.label },
  { key: 'entropy_mean', label: 'entropy (nats)', title: glossaryTitle('entropy'), numeric: true, get: (r) => s(r)?.entropy_mean ?? null },
  { key: 'entropy_normalized_mean', label: 'norm. entropy', title: glossaryTitle('normalized_entropy'), numeric: true, get: (r) => s(r)?.entropy_normalized_mean ?? null },
  { key: 'effective_rank', label: 'eff. rank', title: glossaryTitle('effective_rank'), numeric: true, get: (r) => s(r)?.effective_rank ?? null },
  { key: 'stable_rank', label: 'stable rank', title: glossaryTitle('stable_rank'), numeric: true, get: (r) => s(r)?.stable_rank ?? null },
  { key: 'numerical_rank', label: 'num. rank', title: glossaryTitle('numerical_rank'), numeric: true, integer: true, get: (r) => s(r)?.numerical_rank ?? null },
  { key: 'spectral_gap', label: 'spectral gap', title: `${glossaryTitle('spectral_gap')} A causal map is triangular, so its eigenvalues are its diagonal.`, numeric: true, get: (r) => s(r)?.spectral_gap ?? null },
  { key: 'output_effective_rank', label: 'output eff. rank', title: 'effective rank of O = AV', numeric: true, get: (r) => s(r)?.output_effective_rank ?? null },
  { key: 'attention_rel_frobenius', label: 'A error vs softmax', title: glossaryTitle('error_vs_softmax'), numeric: true, get: (r) => vs(r)?.attention_rel_frobenius ?? null },
  { key: 'mean_row_kl', label: 'row KL vs softmax', title: glossaryTitle('row_kl'), numeric: true, get: (r) => vs(r)?.mean_row_kl ?? null },
  { key: 'output_rel_error', label: 'O error vs softmax', title: '‖O − O_softmax‖_F / ‖O_softmax‖_F', numeric: true, get: (r) => vs(r)?.output_rel_error ?? null },
  { key: 'backend', label: 'backend', title: 'gpu (WebGPU) or cpu', numeric: false, get: (r) => r.response.backend },
  { key: 'time_ms', label: 'time (ms)', title: 'total engine time', numeric: true, get: (r) => r.response.timing_ms.total ?? null },
];

/** Columns with at least one value (newer cores fill more of them). */
export function presentColumns(results: readonly Result[]): Column[] {
  return COLUMNS.filter((c) => !c.numeric || results.some((r) => c.get(r) !== null));
}

/** Rows sorted by a column (nulls last), stable for equal values. */
export function sortResults(results: readonly Result[], key: string, descending: boolean): Result[] {
  const col = COLUMNS.find((c) => c.key === key);
  if (!col) return [...results];
  return results
    .map((r, i) => ({ r, i, v: col.get(r) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return (descending ? -c : c) || a.i - b.i;
    })
    .map((x) => x.r);
}
