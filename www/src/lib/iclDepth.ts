// V4 (icl.md F6, Table F6a): loss vs depth K in von Oswald's setting. K GD steps with a fitted shared η and GD++ with the
// table's shared (η, γ) are scored live; the per-step GD and per-layer GD++ optima are the table's L-BFGS references; the
// trained K-layer LSA comes from the core's trainer on demand.
import type { IclLearnerSpec, IclRequest, IclResponse } from '../engine/iclTypes';
import { seriesStyle } from './series';
import { V2_TASKS } from './iclTraining';
import type { ChartSeries, MarkerShape } from './xyChart';
import { clampEstimate } from './xyChart';

export const DEPTHS = [1, 2, 3, 4, 5] as const;

/** icl.md Table F6a (vO loss, d = N = 10, U(−0.5, 0.5), noiseless): midpoints of the two runs' ranges. */
export const TABLE_F6A = {
  gdShared: [0.2062, 0.15665, 0.1325, 0.1185, 0.1085],
  gdPerStep: [0.2062, 0.1418, 0.11085, 0.0925, 0.0805],
  gdppShared: [0.2062, 0.11055, 0.07785, 0.06205, 0.0525],
  gdppPerLayer: [0.2062, 0.10405, 0.0537, 0.02725, 0.01505],
} as const;

/** The table's fitted shared GD++ (η, γ) for K = 2 … 5 (K = 1 is one GD step: γ does not act). */
export const GDPP_SHARED: Record<number, [number, number]> = { 2: [13.6, 1.76], 3: [20.3, 1.98], 4: [26.5, 2.07], 5: [32, 2.1] };

export const DEPTH_TASKS = 10_000;
export const TRAIN_DEPTHS = [1, 2, 3] as const;
/** A faster schedule than von Oswald's constant 1e-3 (3e-3 decaying to 0), so a few thousand steps get below GD. */
export const TRAIN_LR = 3e-3;

/** GD (K steps, fitted shared η) for every K, then GD++ with the table's shared (η, γ) for K ≥ 2, on the same tasks. */
export function depthRequest(seed = 1): IclRequest {
  const gd: IclLearnerSpec[] = DEPTHS.map((k) => ({ name: 'gd', steps: k, eta: 'optimal' }));
  const gdpp: IclLearnerSpec[] = DEPTHS.filter((k) => k > 1).map((k) => {
    const [eta, gamma] = GDPP_SHARED[k]!;
    return { name: 'gd_pp', etas: new Array<number>(k).fill(eta), gammas: new Array<number>(k).fill(gamma) };
  });
  return { ...V2_TASKS, seed, tasks: DEPTH_TASKS, learners: [...gd, ...gdpp] };
}

/** Trained LSA of K = 1, 2, 3 layers (separate weights), trained one after another in one request. */
export function trainedDepthRequest(steps: number, batch: number, seed = 1): IclRequest {
  return {
    ...V2_TASKS,
    seed,
    tasks: DEPTH_TASKS,
    learners: TRAIN_DEPTHS.map((k) => ({
      name: 'lsa',
      layers: k,
      train: { steps, batch, lr: TRAIN_LR, schedule: 'cosine', seed, eval_tasks: 256, log_every: Math.max(1, Math.round(steps / 20)) },
    })),
  };
}

/** ½·risk (vO loss) of each learner, in request order. */
export function vOLosses(response: IclResponse): { loss: number; se: number }[] {
  return response.learners.map((l) => ({ loss: (l.risk ?? Number.NaN) / 2 + response.noise_variance / 2, se: (l.risk_se ?? 0) / 2 }));
}

function series(id: string, label: string, slot: number, marker: MarkerShape, line: { x: number; y: number }[], points: { x: number; y: number; se: number }[], yMax: number): ChartSeries {
  const { color } = seriesStyle(slot);
  return { id, label, color, dash: points.length ? '' : '5 3', marker, line, points: points.map((p) => clampEstimate(p.x, p.y, p.se, yMax)), infinite: [] };
}

export const Y_MAX = 0.25;

/** The chart: live Monte Carlo markers (GD shared, GD++ shared, trained LSA) and the table's reference lines. */
export function depthSeries(live: IclResponse | null, trained: IclResponse | null): ChartSeries[] {
  const table = (values: readonly number[]) => values.map((y, i) => ({ x: i + 1, y }));
  const out: ChartSeries[] = [
    series('ref-gd-per-step', 'GD, per-step η (icl.md F6a)', 4, 'circle', table(TABLE_F6A.gdPerStep), [], Y_MAX),
    series('ref-gdpp-per-layer', 'GD++, per layer (icl.md F6a)', 5, 'circle', table(TABLE_F6A.gdppPerLayer), [], Y_MAX),
  ];
  if (live) {
    const losses = vOLosses(live);
    const gd = DEPTHS.map((k, i) => ({ x: k, y: losses[i]!.loss, se: losses[i]!.se }));
    const gdpp = [gd[0]!, ...DEPTHS.filter((k) => k > 1).map((k, i) => ({ x: k, y: losses[DEPTHS.length + i]!.loss, se: losses[DEPTHS.length + i]!.se }))];
    out.unshift(
      series('gd', 'GD, one fitted shared η (Monte Carlo)', 0, 'circle', gd, gd, Y_MAX),
      series('gdpp', 'GD++, the table’s shared (η, γ) (Monte Carlo)', 1, 'square', gdpp, gdpp, Y_MAX),
    );
  }
  if (trained) {
    const losses = vOLosses(trained);
    const pts = TRAIN_DEPTHS.map((k, i) => ({ x: k, y: losses[i]!.loss, se: losses[i]!.se }));
    out.push(series('trained', 'trained K-layer LSA (Monte Carlo)', 2, 'diamond', pts, pts, Y_MAX));
  }
  return out;
}
