// V2 and V3 (icl.md): training one LSA layer in von Oswald's setting, its curves, and its weights next to the GD
// construction. Pure functions over the core's responses, so every number on screen is unit-tested.
import type { IclLearnerResult, IclRequest, IclResponse, TrainCurvePoint } from '../engine/iclTypes';
import { seriesStyle } from './series';
import type { ChartSeries, Rule } from './xyChart';

/** von Oswald's setting (icl.md §1.1, V2): d = N = 10, x ~ U(−0.5, 0.5)^10, w ~ N(0, I), no noise. */
export const V2_TASKS = { d: 10, n: 10, x: 'uniform', x_range: 0.5 } as const;

/** The training settings the page edits (Adam β, ε, clip and init come from the core's von Oswald defaults). */
export type TrainControls = { steps: number; batch: number; lr: number; seed: number };

/** What a setting's one-layer optimum is, in closed form: the preconditioner Γ* (diagonal), its vO loss, the zero predictor's. */
export type ClosedForms = { gdLoss: number; zeroLoss: number; gamma: number[]; eta: number };

/** A training setting of V2: the task distribution, its defaults and extra learner fields, and its closed forms. */
export type TrainSetting = {
  id: 'von-oswald' | 'zfb';
  label: string;
  tasks: Pick<IclRequest, 'd' | 'n' | 'x' | 'x_range' | 'cov_eigs' | 'noise'>;
  defaults: TrainControls;
  /** Fields of the trained learner beyond layers and train (ZFB's sparse parameterisation). */
  learner: { parameterization?: 'sparse' };
  schedule: 'constant' | 'cosine';
  closed: ClosedForms;
};

/** F2 (von Oswald's uniform inputs): η* = N / ((N + d + κ − 2) s), R* = s d (1 − η* s), s = a²/3, κ = 9/5. */
export function v2ClosedForms(): ClosedForms {
  const { d, n } = V2_TASKS;
  const s = V2_TASKS.x_range ** 2 / 3;
  const kappa = 9 / 5;
  const eta = n / ((n + d + kappa - 2) * s);
  const risk = s * d * (1 - eta * s);
  return { gdLoss: risk / 2, zeroLoss: (s * d) / 2, gamma: new Array<number>(d).fill(eta), eta };
}

/**
 * F4 for diagonal Gaussian Λ, w ~ N(0, I), noise σ²: Γ*ᵢ = 1 / ((1 + 1/N) λᵢ + (tr Λ + σ²)/N) and
 * R* = Σ λᵢ (1 − λᵢ Γ*ᵢ); the vO loss adds σ² and halves.
 */
export function gaussianClosedForms(eigs: readonly number[], n: number, noise: number): ClosedForms {
  const trace = eigs.reduce((a, b) => a + b, 0);
  const s2 = noise * noise;
  const gamma = eigs.map((l) => 1 / ((1 + 1 / n) * l + (trace + s2) / n));
  const risk = eigs.reduce((acc, l, i) => acc + l * (1 - l * gamma[i]!), 0);
  return { gdLoss: (risk + s2) / 2, zeroLoss: (trace + s2) / 2, gamma, eta: gamma.reduce((a, b) => a + b, 0) / gamma.length };
}

const ZFB_EIGS = [0.25, 0.5, 1, 2, 4];

export const TRAIN_SETTINGS: readonly TrainSetting[] = [
  {
    id: 'von-oswald',
    label: 'von Oswald: d = N = 10, x ~ U(−0.5, 0.5), noiseless (Adam lr 1e-3, batch 2 048)',
    tasks: V2_TASKS,
    defaults: { steps: 1000, batch: 2048, lr: 1e-3, seed: 1 },
    learner: {},
    schedule: 'constant',
    closed: v2ClosedForms(),
  },
  {
    id: 'zfb',
    label: 'ZFB anisotropic: d = 5, N = 20, Λ = diag(0.25 … 4), σ = 0.1 (W_KQ x-block and W_PV[y, y] trained)',
    tasks: { d: 5, n: 20, cov_eigs: ZFB_EIGS, noise: 0.1 },
    defaults: { steps: 600, batch: 1024, lr: 3e-3, seed: 1 },
    learner: { parameterization: 'sparse' },
    schedule: 'cosine',
    closed: gaussianClosedForms(ZFB_EIGS, 20, 0.1),
  },
];

/** von Oswald's lr and batch; 1 000 steps is where the loss has flattened onto the GD line. */
export const DEFAULT_TRAIN: TrainControls = TRAIN_SETTINGS[0]!.defaults;

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

/** The request: the trained LSA (index 0) and the one-step optimum (index 1: preconditioned GD with Γ*), on the same tasks. */
export function trainRequest(c: TrainControls, setting: TrainSetting = TRAIN_SETTINGS[0]!): IclRequest {
  return {
    ...setting.tasks,
    seed: c.seed,
    tasks: SCORE_TASKS,
    learners: [
      {
        name: 'lsa',
        layers: 1,
        ...setting.learner,
        train: {
          steps: c.steps,
          batch: c.batch,
          lr: c.lr,
          schedule: setting.schedule,
          seed: c.seed,
          eval_tasks: EVAL_TASKS,
          log_every: Math.max(1, Math.round(c.steps / 50)),
        },
      },
      { name: 'preconditioned_gd', gamma: 'optimal' },
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

/** The GD line and the zero predictor, as horizontal rules (`isotropic`: Γ* = η* I, one plain GD step). */
export function lossRules(gdLoss: number, zeroLoss: number, eta: number, n: number, isotropic = true): Rule[] {
  const what = isotropic ? `one GD step, η* = ${eta.toFixed(2)} (η*/N = ${(eta / n).toFixed(3)})` : 'one preconditioned GD step with Γ*';
  return [
    { id: 'gd', y: gdLoss, label: `${what}: ${gdLoss.toFixed(4)}`, dash: '6 4', align: 'end' },
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

/**
 * The one-step construction in von Oswald's unnormalised convention for a diagonal Γ: W_KQ = [[diag(Γ)/η̄, 0], [0, 0]],
 * W_PV[y, y] = −η̄/N with η̄ = mean Γᵢ (plain GD, Γ = η I: W_KQ = [[I, 0], [0, 0]], W_PV[y, y] = −η/N).
 */
export function constructedWeights(n: number, gamma: readonly number[]): Weights {
  const d = gamma.length;
  const dim = d + 1;
  const mean = gamma.reduce((a, b) => a + b, 0) / d;
  const zeros = () => Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const wKQ = zeros();
  const wPV = zeros();
  for (let i = 0; i < d; i++) wKQ[i]![i] = gamma[i]! / mean;
  wPV[d]![d] = -mean / n;
  return { wKQ, wPV };
}

/** The learned Γ's diagonal, −N·(W_KQ)ᵢᵢ·(W_PV)_yy (one head). */
export function learnedGammaDiag(w: Weights, n: number): number[] {
  const d = w.wKQ.length - 1;
  return Array.from({ length: d }, (_, i) => -n * w.wKQ[i]![i]! * w.wPV[d]![d]!);
}

/** V2's Γ panel: each learned Γᵢ against the step (the ZFB setting), to be read against the Γ*ᵢ rules. */
export function gammaSeries(points: TrainCurvePoint[]): ChartSeries[] {
  const d = points.find((p) => p.gamma_diag)?.gamma_diag?.length ?? 0;
  return Array.from({ length: d }, (_, i) => line(`gamma-${i}`, `Γ${i + 1}`, seriesStyle(i).color, '', points, (p) => p.gamma_diag?.[i] ?? Number.NaN));
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
