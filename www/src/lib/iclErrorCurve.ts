// V1, error vs number of in-context examples: the two settings (Garg, Akyürek), one request per k, the chart data.
import type { IclLearnerSpec, IclRequest, IclResponse } from '../engine/iclTypes';
import { learnerAt } from './iclResponse';
import { seriesStyle } from './series';
import { clampEstimate, type ChartSeries, type MarkerShape } from './xyChart';

/** A data setting of the view: x ~ N(0, I_d), w ~ N(0, τ² I), y = w·x + N(0, σ²). */
export type ErrorCurveSetting = { id: 'noiseless' | 'noisy'; d: number; noise: number; tau: number; source: string };

/** Garg et al. Fig. 2: d = 20, noiseless. */
export const NOISELESS: ErrorCurveSetting = { id: 'noiseless', d: 20, noise: 0, tau: 1, source: 'Garg et al. 2022, Fig. 2' };
/** Akyürek et al. Fig. 1: d = 8, σ = 0.5, τ = 1 (ridge's λ = σ²/τ² = 0.25). */
export const NOISY: ErrorCurveSetting = { id: 'noisy', d: 8, noise: 0.5, tau: 1, source: 'Akyürek et al. 2023, Fig. 1' };

/** The learners of the view, in legend order; `slot` picks the colour (lib/series) and stays fixed per learner. */
export type CurveLearner = { id: string; label: string; spec: IclLearnerSpec; slot: number; marker: MarkerShape };

export const CURVE_LEARNERS: readonly CurveLearner[] = [
  { id: 'gd', label: 'one GD step (optimal η)', spec: { name: 'gd' }, slot: 0, marker: 'circle' },
  { id: 'averaging', label: 'averaging (one GD step, η = 1)', spec: { name: 'averaging' }, slot: 1, marker: 'square' },
  { id: 'ols', label: 'least squares (min-norm OLS)', spec: { name: 'ols' }, slot: 2, marker: 'triangle' },
  { id: 'ridge', label: 'ridge, Bayes λ = σ²/τ²', spec: { name: 'ridge' }, slot: 3, marker: 'diamond' },
  { id: 'knn', label: '3-nearest neighbours', spec: { name: 'knn', k: 3 }, slot: 5, marker: 'cross' },
];

/** Monte Carlo tasks per k: the default, and the page's own cap (41 points of 20 000 tasks still take seconds). */
export const DEFAULT_TASKS = 2000;
export const MAX_TASKS = 20_000;
/** The normalised-error axis ends here, as in Garg et al.; the zero predictor sits at 1. */
export const Y_CLIP = 1.25;
export const SEED = 0;

/** k = 1 … 2d + 1 in-context examples. */
export function contextSizes(d: number): number[] {
  return Array.from({ length: 2 * d + 1 }, (_, i) => i + 1);
}

/** Strides of the coarse-to-fine sweep: every 4th k first (the whole curve's shape), then every 2nd, then the rest. */
const SWEEP_STRIDES = [4, 2, 1];

/** The order the sweep computes k in: coarse to fine, so the curve spans the axis after a quarter of the work. */
export function sweepOrder(ks: readonly number[]): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const take = (k: number | undefined) => {
    if (k !== undefined && !seen.has(k)) {
      seen.add(k);
      out.push(k);
    }
  };
  SWEEP_STRIDES.forEach((stride, pass) => {
    ks.forEach((k, i) => i % stride === 0 && take(k));
    if (pass === 0) take(ks.at(-1));
  });
  return out;
}

/** The request for k in-context examples (n = k), every learner on the same seeded tasks. */
export function pointRequest(setting: ErrorCurveSetting, k: number, tasks: number): IclRequest {
  return {
    d: setting.d,
    n: k,
    noise: setting.noise,
    tau: setting.tau,
    x: 'gaussian',
    seed: SEED,
    tasks,
    learners: CURVE_LEARNERS.map((l) => ({ ...l.spec })),
  };
}

/** The page's check of the tasks box (the core checks the rest and says so next to the box). */
export function checkTasks(tasks: number | null): string | null {
  if (tasks === null || !Number.isFinite(tasks)) return 'tasks must be a whole number';
  if (!Number.isInteger(tasks)) return `tasks must be a whole number, got ${tasks}`;
  if (tasks > MAX_TASKS) return `at most ${MAX_TASKS} tasks per point here (keeps the sweep to seconds), got ${tasks}`;
  return null;
}

export type CurvePoint = { k: number; request: IclRequest; response: IclResponse };

/** A closed form the core says is infinite (null with an "infinite" note, or a non-finite number). */
export function isInfinite(value: number | null, note: string | null): boolean {
  if (value !== null) return !Number.isFinite(value);
  return note !== null && /infinite|diverge/i.test(note);
}

/**
 * One series per learner: Monte Carlo markers (risk / zero-predictor risk, ± SE) clamped to the axis at `yMax`,
 * the closed form as a line with a gap wherever it is missing, and "∞" where it is infinite (OLS's spike).
 */
export function errorCurves(points: readonly CurvePoint[], yMax = Y_CLIP): ChartSeries[] {
  const sorted = [...points].sort((a, b) => a.k - b.k);
  return CURVE_LEARNERS.map((learner, li) => {
    const line: ChartSeries['line'] = [];
    const estimates: ChartSeries['points'] = [];
    const infinite: number[] = [];
    for (const { k, response } of sorted) {
      const scale = response.zero_predictor_risk;
      const r = learnerAt(response, li, learner.spec.name);
      if (!r || !(scale > 0)) {
        line.push(null);
        continue;
      }
      if (r.risk !== null) estimates.push(clampEstimate(k, r.risk / scale, (r.risk_se ?? 0) / scale, yMax));
      const closed = r.risk_closed_form;
      if (isInfinite(closed, r.closed_form_note)) infinite.push(k);
      line.push(closed !== null && Number.isFinite(closed) ? { x: k, y: closed / scale } : null);
    }
    return { id: learner.id, label: learner.label, ...seriesStyle(learner.slot), dash: '', marker: learner.marker, line, points: estimates, infinite };
  });
}
