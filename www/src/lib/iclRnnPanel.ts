// V10's RNN panel: the request, the two output traces (streamed RNN vs parallel causal linear attention), the state's labels and colour scale.
import type { IclRequest } from '../engine/iclTypes';
import type { RnnPanelData } from '../engine/iclViewTypes';
import { sharedScale, type ColorScale } from './colorScale';
import { seriesStyle } from './series';
import type { ChartSeries } from './xyChart';

export type RnnProjections = 'tokens' | 'gd' | 'seeded';
export type RnnSetting = { decay: number; projections: RnnProjections };

export const DEFAULT_RNN: RnnSetting = { decay: 1, projections: 'tokens' };
/** The task the tokens come from: V5's default (d = 2, N = 10, σ = 0.5, seed 1), so T = 11 tokens. */
export const RNN_TASK = { d: 2, n: 10, noise: 0.5, seed: 1 } as const;
/** The λ slider's lower end (the core accepts any λ in (0, 1]). */
export const DECAY_MIN = 0.05;

export function rnnRequest(s: RnnSetting): IclRequest {
  const extra = s.projections === 'seeded' ? { d_k: 4, d_v: 3, seed: 5 } : {};
  return { ...RNN_TASK, learners: [], rnn: { decay: s.decay, projections: s.projections, ...extra } };
}

/** Row (value) and column (key) names of S_t: token slots for `tokens`, y against x for `gd`, indices otherwise. */
export function stateLabels(p: RnnPanelData): { rows: string[]; cols: string[] } {
  const d = (p.tokens[0]?.length ?? 1) - 1;
  const slots = [...Array.from({ length: d }, (_, i) => `x${i + 1}`), 'y'];
  if (p.projections === 'tokens') return { rows: slots, cols: slots };
  if (p.projections === 'gd') return { rows: ['(η/N) y'], cols: slots.slice(0, d) };
  return { rows: Array.from({ length: p.d_v }, (_, i) => `v${i + 1}`), cols: Array.from({ length: p.d_k }, (_, i) => `k${i + 1}`) };
}

/** One colour scale for every step, so the animation shows the state growing (or fading under λ < 1). */
export function stateScale(p: RnnPanelData): ColorScale {
  return sharedScale(p.states.map((s) => s.flat()), false);
}

/** Output channel `c` over t = 1 … T: the parallel form as the line, the streamed RNN as markers on it. */
export function outputTraces(p: RnnPanelData, c: number): ChartSeries[] {
  const at = (rows: number[][]) => rows.map((r, t) => ({ x: t + 1, y: r[c] ?? Number.NaN }));
  const parallel = at(p.parallel);
  const recurrent = at(p.recurrent).map(({ x, y }) => ({ x, y, se: 0, shown: y, lo: y, hi: y, clipped: false }));
  return [
    { id: 'parallel', label: 'causal linear attention (parallel form)', ...seriesStyle(0), marker: 'square', line: parallel, points: [], infinite: [] },
    { id: 'recurrent', label: 'gated RNN, streamed', ...seriesStyle(5), dash: '', marker: 'circle', line: [], points: recurrent, infinite: [] },
  ];
}

/** The y range of every output channel (padded), so switching channels or steps keeps the axis still. */
export function outputDomain(p: RnnPanelData, c: number): [number, number] {
  const ys = [...p.parallel, ...p.recurrent].map((r) => r[c] ?? 0).filter(Number.isFinite);
  const lo = Math.min(0, ...ys);
  const hi = Math.max(0, ...ys);
  const pad = 0.08 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}
