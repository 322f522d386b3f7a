// V5, the implicit weight vector in the plane: the setting and its request, and what the two plane charts draw.
import type { IclRequest } from '../engine/iclTypes';
import type { Trajectory, Vec2 } from '../engine/iclViewTypes';
import { lossContours } from './iclEllipse';
import { seriesStyle } from './series';
import type { MarkerShape } from './xyChart';

/** The view's controls. GD runs STEPS steps once; the K slider only shows the first K. */
export type TrajectorySetting = { n: number; noise: number; seed: number; gdPp: boolean; gamma: number };

/** N = 10 (von Oswald), σ = 0.5 (Akyürek's noisy setting: Bayes λ = σ²/τ² = 0.25), a seed whose w and H read well. */
export const DEFAULT_TRAJECTORY: TrajectorySetting = { n: 10, noise: 0.5, seed: 1, gdPp: false, gamma: 0.2 };
/** GD steps (= LSA layers) computed; the slider shows K = 0 … STEPS. */
export const STEPS = 30;
export const STREAM = 20;
export const MAX_N = 64;

export function trajectoryRequest(s: TrajectorySetting): IclRequest {
  return {
    d: 2,
    n: s.n,
    noise: s.noise,
    seed: s.seed,
    learners: [],
    trajectory: { steps: STEPS, stream: STREAM, ...(s.gdPp ? { gd_pp: { gamma: s.gamma } } : {}) },
  };
}

/** A path through the plane: a line, and a marker on every point when `marker` is set. */
export type PlanePath = { id: string; label: string; color: string; dash: string; width: number; marker: MarkerShape | null; hollow?: boolean; points: Vec2[] };
/** A single labelled point. */
export type PlanePoint = { id: string; label: string; color: string; shape: MarkerShape; w: Vec2 };
export type PlaneContour = { level: number; points: Vec2[] };

const style = (slot: number) => seriesStyle(slot);

/** The main chart at K steps: contours, the ridge path, GD, the constructed LSA (on GD), GD++, and the three points. */
export function trajectoryPlane(t: Trajectory, k: number): { contours: PlaneContour[]; paths: PlanePath[]; points: PlanePoint[] } {
  const upto = <T>(list: T[]) => list.slice(0, k + 1);
  const paths: PlanePath[] = [
    { id: 'ridge', label: 'ridge path ŵ(λ), λ: ∞ → 0', ...style(3), dash: '4 3', width: 2, marker: null, points: t.ridge_path.map((p) => p.w) },
    { id: 'gd', label: `GD iterates w_k (η = ${t.eta.toFixed(3)})`, ...style(0), width: 2, marker: 'circle', points: upto(t.gd) },
    { id: 'lsa', label: 'constructed LSA, after each layer', ...style(5), dash: '', width: 0, marker: 'square', hollow: true, points: upto(t.lsa) },
  ];
  if (t.gd_pp) paths.push({ id: 'gd_pp', label: `GD++ layers (γ = ${t.gd_pp.gammas[0] ?? 0})`, ...style(2), dash: '6 3', width: 2, marker: 'diamond', points: upto(t.gd_pp.w) });
  const points: PlanePoint[] = [
    { id: 'w_true', label: 'true w', color: 'currentColor', shape: 'cross', w: t.w_true },
    { id: 'ols', label: 'OLS', ...style(1), shape: 'triangle', w: t.ols },
    { id: 'ridge_bayes', label: 'Bayes ridge', ...style(3), shape: 'diamond', w: t.ridge_bayes },
  ];
  return { contours: lossContours(t.loss), paths, points };
}

/** The streaming chart: ŵ after k = 1 … K_max examples for OLS, Bayes ridge and one optimal GD step, and the true w. */
export function streamingPlane(t: Trajectory): { paths: PlanePath[]; points: PlanePoint[] } {
  const s = t.streaming;
  const ridge = s.ridge_lambda === null ? 'Bayes ridge' : `ridge, Bayes λ = ${+s.ridge_lambda.toPrecision(3)}`;
  return {
    paths: [
      { id: 'ols', label: 'min-norm OLS', ...style(1), width: 1.5, marker: 'triangle', points: s.ols },
      { id: 'ridge', label: ridge, ...style(3), width: 1.5, marker: 'diamond', points: s.ridge },
      { id: 'gd', label: 'one GD step, η*(k)', ...style(0), width: 1.5, marker: 'circle', points: s.gd },
    ],
    points: [{ id: 'w_true', label: 'true w', color: 'currentColor', shape: 'cross', w: t.w_true }],
  };
}

/** The points the streaming chart frames: ridge and GD (always near w) and OLS once k ≥ d (min-norm OLS at k < d can sit far out). */
export function streamingFrame(t: Trajectory): Vec2[] {
  const s = t.streaming;
  return [t.w_true, [0, 0], ...s.ridge, ...s.gd, ...s.ols.filter((_, i) => (s.k[i] ?? 0) >= 2)];
}

/** The page's checks before a request (the core checks again and names the field). */
export function checkTrajectory(s: { n: number | null; noise: number | null; seed: number | null; gamma: number | null }): Partial<Record<'n' | 'noise' | 'seed' | 'gamma', string>> {
  const out: Partial<Record<'n' | 'noise' | 'seed' | 'gamma', string>> = {};
  if (s.n === null || !Number.isInteger(s.n) || s.n < 1 || s.n > MAX_N) out.n = `N must be a whole number in 1 … ${MAX_N}`;
  if (s.noise === null || !(s.noise >= 0)) out.noise = 'σ must be a number ≥ 0';
  if (s.seed === null || !Number.isInteger(s.seed) || s.seed < 0) out.seed = 'the seed must be a whole number ≥ 0';
  if (s.gamma === null || !(s.gamma >= 0)) out.gamma = 'γ must be a number ≥ 0';
  return out;
}
