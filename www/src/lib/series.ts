// Series for the overlaid line charts (row profile, spectra, entropy curves), one colour per selected variant.
import { schemeTableau10 } from 'd3-scale-chromatic';
import type { Result } from './statsTable';

export type Series = { id: string; label: string; color: string; dash: string; values: number[] };

/** Okabe–Ito (colour-blind safe), then Tableau; a dash pattern separates slots past the palette. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', ...schemeTableau10];
const DASHES = ['', '5 3', '2 2', '8 3 2 3'];

export function seriesStyle(slot: number): { color: string; dash: string } {
  return { color: PALETTE[slot % PALETTE.length]!, dash: DASHES[Math.floor(slot / 8) % DASHES.length]! };
}

/** One row of every attention map (the profile chart). */
export function rowProfiles(results: readonly Result[], row: number | null): Series[] {
  if (row === null) return [];
  return results
    .filter((r) => r.response.attention && row < r.response.attention.rows)
    .map((r) => {
      const a = r.response.attention!;
      return { id: String(r.slot), label: r.label, ...seriesStyle(r.slot), values: Array.from(a.data.subarray(row * a.cols, (row + 1) * a.cols)) };
    });
}

export function spectra(results: readonly Result[]): Series[] {
  return results
    .filter((r) => (r.response.stats?.singular_values.length ?? 0) > 0)
    .map((r) => ({ id: String(r.slot), label: r.label, ...seriesStyle(r.slot), values: r.response.stats!.singular_values }));
}

export function entropyCurves(results: readonly Result[]): Series[] {
  return results
    .filter((r) => (r.response.stats?.entropy_normalized_rows.length ?? 0) > 0)
    .map((r) => ({ id: String(r.slot), label: r.label, ...seriesStyle(r.slot), values: r.response.stats!.entropy_normalized_rows }));
}
