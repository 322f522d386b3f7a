// V2 and V3 (icl.md): training one LSA layer in von Oswald's setting, its curves, and its weights next to the GD
// construction. Pure functions over the core's responses, so every number on screen is unit-tested.
import type { IclLearnerResult, IclRequest, IclResponse, TrainCurvePoint } from '../engine/iclTypes';
import { seriesStyle } from './series';
import type { ChartSeries, Rule } from './xyChart';

/** von Oswald's setting (icl.md §1.1, V2): d = N = 10, x ~ U(−0.5, 0.5)^10, w ~ N(0, I), no noise. */
export const V2_TASKS = { d: 10, n: 10, x: 'uniform', x_range: 0.5 } as const;

/** The training settings the page edits (Adam β, ε, clip and init come from the core's von Oswald defaults). */
export type TrainControls = { steps: number; batch: number; lr: number; seed: number };

/** von Oswald's lr and batch; 1 000 steps is where the loss has flattened onto the GD line. */
export const DEFAULT_TRAIN: TrainControls = { steps: 1000, batch: 2048, lr: 1e-3, seed: 1 };

export const LIMITS = { steps: [1, 20_000], batch: [1, 8192], lr: [1e-5, 0.1], seed: [0, 2 ** 31 - 1] } as const;

/** Tasks the trained model and one GD step are finally scored on (a standard error of about 1.4 %). */
export const SCORE_TASKS = 20_000;
/** The fixed evaluation set of the curve. */
export const EVAL_TASKS = 1024;

/** An error message for a control's value, or null. */
export function checkControl(name: keyof TrainControls, value: number | null): string | null {
  const [lo, hi] = LIMITS[name];
  if (value === null || !Number.isFinite(value)) return 'a number';
  if (name !== 'lr' && !Number.isInteger(value)) return 'a whole number';
  if (value < lo || value > hi) return `between ${lo} and ${hi}`;
  return null;
}

/** The request: the trained LSA (index 0) and one GD step with η* (index 1), scored on the same tasks. */
export function trainRequest(c: TrainControls): IclRequest {
  return {
    ...V2_TASKS,
    seed: c.seed,
    tasks: SCORE_TASKS,
    learners: [
      {
        name: 'lsa',
        layers: 1,
        train: { steps: c.steps, batch: c.batch, lr: c.lr, seed: c.seed, eval_tasks: EVAL_TASKS, log_every: Math.max(1, Math.round(c.steps / 50)) },
      },
      { name: 'gd', steps: 1, eta: 'optimal' },
    ],
  };
}

/** What the reference says, read from the trained learner's params (null until the response arrives). */
export type Reference = { lossClosedForm: number; zeroLoss: number; eta: number; n: number };

export function readReference(trained: IclLearnerResult | undefined, n: number): Reference | null {
  const r = trained?.params.reference as { loss_closed_form?: unknown; zero_loss?: unknown; etas?: unknown } | undefined;
  if (!r || typeof r.loss_closed_form !== 'number' || typeof r.zero_loss !== 'number' || !Array.isArray(r.etas)) return null;
  const eta = r.etas[0];
  return typeof eta === 'number' ? { lossClosedForm: r.loss_closed_form, zeroLoss: r.zero_loss, eta, n } : null;
}

/** The closed forms known before training: ½(R(η*) + σ²) and the zero predictor, for d = N = 10 uniform (icl.md F2). */
export function v2ClosedForms(): { gdLoss: number; zeroLoss: number; eta: number } {
  // F2 with s = a²/3 = 1/12, κ = 9/5: η* = N / (N + d − 1 + κ) · (1/s); R* = s·d·(1 − η* s) (noiseless).
  const { d, n } = V2_TASKS;
  const s = V2_TASKS.x_range ** 2 / 3;
  const kappa = 9 / 5;
  const eta = n / ((n + d + kappa - 2) * s);
  const risk = s * d * (1 - eta * s);
  return { gdLoss: risk / 2, zeroLoss: (s * d) / 2, eta };
}

function line(id: string, label: string, color: string, dash: string, points: TrainCurvePoint[], y: (p: TrainCurvePoint) => number): ChartSeries {
  return { id, label, color, dash, marker: 'circle', line: points.map((p) => ({ x: p.step, y: y(p) })), points: [], infinite: [] };
}

/** V2's loss panel: the batch loss and the evaluation loss against the step. */
export function lossSeries(points: TrainCurvePoint[]): ChartSeries[] {
  return [
    line('train', 'trained LSA, training batches', seriesStyle(2).color, '', points, (p) => p.loss),
    line('eval', 'trained LSA, fixed evaluation tasks', seriesStyle(0).color, '4 3', points, (p) => p.eval_loss),
  ];
}

/** The GD line and the zero predictor, as horizontal rules. */
export function lossRules(gdLoss: number, zeroLoss: number, eta: number, n: number): Rule[] {
  return [
    { id: 'gd', y: gdLoss, label: `one GD step, η* = ${eta.toFixed(2)} (η*/N = ${(eta / n).toFixed(3)}): ${gdLoss.toFixed(4)}`, dash: '6 4', align: 'end' },
    { id: 'zero', y: zeroLoss, label: `zero predictor: ${zeroLoss.toFixed(4)}`, dash: '2 3', align: 'end' },
  ];
}

/** V2's alignment panel: cos(ŵ_TF, ŵ_GD), ‖ŵ_TF − ŵ_GD‖ and |ŷ_TF − ŷ_GD|. */
export function alignmentSeries(points: TrainCurvePoint[]): ChartSeries[] {
  return [
    line('cos', 'cos(ŵ_TF, ŵ_GD)', seriesStyle(0).color, '', points, (p) => p.cos),
    line('model', '‖ŵ_TF − ŵ_GD‖', seriesStyle(1).color, '6 3', points, (p) => p.model_diff),
    line('preds', '|ŷ_TF − ŷ_GD|', seriesStyle(3).color, '2 2', points, (p) => p.preds_diff),
  ];
}

/** The numbers under V2 once training is done. */
export type TrainSummary = {
  /** ½ · the scored excess risk on SCORE_TASKS tasks (noiseless: the vO loss). */
  finalLoss: number;
  finalLossSe: number;
  closedForm: number;
  /** (final − closed form) / closed form. */
  gap: number;
  etaEffective: number | null;
  offdiagRatio: number | null;
  /** One GD step with η* scored on the same tasks. */
  gdLoss: number | null;
};

export function summarize(response: IclResponse): TrainSummary | null {
  const [trained, gd] = response.learners;
  const ref = readReference(trained, response.n);
  if (!trained || trained.risk === null || !ref) return null;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const finalLoss = trained.risk / 2 + response.noise_variance / 2;
  return {
    finalLoss,
    finalLossSe: (trained.risk_se ?? 0) / 2,
    closedForm: ref.lossClosedForm,
    gap: (finalLoss - ref.lossClosedForm) / ref.lossClosedForm,
    etaEffective: num(trained.params.eta_effective),
    offdiagRatio: num(trained.params.offdiag_ratio),
    gdLoss: gd?.risk != null ? gd.risk / 2 + response.noise_variance / 2 : null,
  };
}

/** A square weight matrix as rows. */
export type Weights = { wKQ: number[][]; wPV: number[][] };

/** The GD construction in von Oswald's unnormalised convention: W_KQ = [[I, 0], [0, 0]], W_PV[y, y] = −η/N. */
export function constructedWeights(d: number, n: number, eta: number): Weights {
  const dim = d + 1;
  const zeros = () => Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const wKQ = zeros();
  const wPV = zeros();
  for (let i = 0; i < d; i++) wKQ[i]![i] = 1;
  wPV[d]![d] = -eta / n;
  return { wKQ, wPV };
}

/** The trained weights of layer 0, head 0 (null when absent or malformed). */
export function trainedWeights(trained: IclLearnerResult | undefined): Weights | null {
  const layers = trained?.params.weights;
  const head = Array.isArray(layers) && Array.isArray(layers[0]) ? (layers[0][0] as { w_kq?: unknown; w_pv?: unknown }) : null;
  const square = (m: unknown): m is number[][] =>
    Array.isArray(m) && m.every((r) => Array.isArray(r) && r.length === m.length && r.every((v) => typeof v === 'number'));
  return head && square(head.w_kq) && square(head.w_pv) ? { wKQ: head.w_kq, wPV: head.w_pv } : null;
}

/** The invariant rescaling c·W_KQ, W_PV / c (the predictions and every product are unchanged). */
export function rescale(w: Weights, c: number): Weights {
  return { wKQ: w.wKQ.map((r) => r.map((v) => v * c)), wPV: w.wPV.map((r) => r.map((v) => v / c)) };
}

/** Mean of (W_KQ)_ii · (W_PV)_yy over the d input coordinates: −η/N for the construction. */
export function diagonalProduct(w: Weights): number {
  const d = w.wKQ.length - 1;
  const pyy = w.wPV[d]![d]!;
  let sum = 0;
  for (let i = 0; i < d; i++) sum += w.wKQ[i]![i]! * pyy;
  return sum / d;
}

/** The largest |entry| of the matrices (a diverging colour scale symmetric around 0). */
export function maxAbs(...ms: number[][][]): number {
  let m = 0;
  for (const rows of ms) for (const r of rows) for (const v of r) m = Math.max(m, Math.abs(v));
  return m;
}
