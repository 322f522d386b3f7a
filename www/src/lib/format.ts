// Number formatting for badges, axes and the readout.
import { format } from 'd3-format';

const fixed3 = format('.3f');
const fixed4 = format('.4f');
const tiny = format('.3~e');
const ticks = format('~g');

/** Three decimals (entropy in nats, normalised entropy, effective rank); '—' for missing values. */
export function fmt3(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return fixed3(v).replace('-', '−');
}

/** An attention weight A_ij for the cell readout: four decimals (0.1234), or 1.23e−5 style for tiny ones. */
export function fmtWeight(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const text = Math.abs(v) >= 1e-3 ? fixed4(v) : tiny(v);
  return text.replaceAll('-', '−');
}

/** Milliseconds: 3 significant digits below 10 ms, whole numbers above, with the unit. */
export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v < 10) return `${format('.3~r')(v)} ms`;
  return `${format(',.0f')(v)} ms`;
}

/** Compact numbers for legend and axis ticks (0.05, 0.1, 64). */
export function fmtTick(v: number): string {
  return ticks(v).replace('-', '−');
}

/** Log-axis ticks: plain for 0.001..1000, else 1e−6 style. */
export function fmtLogTick(v: number): string {
  if (v === 0) return '0';
  const e = Math.round(Math.log10(Math.abs(v)));
  if (Math.abs(e) < 3) return fmtTick(v);
  return `${v < 0 ? '−' : ''}1e${e < 0 ? '−' : ''}${Math.abs(e)}`;
}
