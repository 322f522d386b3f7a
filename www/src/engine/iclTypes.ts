// The in-context regression contract with the wasm core (`iclEvaluate`, the same JSON as `attnscope icl`).
import type { IclRnnSpec, IclTrajectorySpec, RnnPanelData, Trajectory } from './iclViewTypes';

/** The learners the core scores on the same seeded tasks (icl.md §2). */
export type IclLearnerName = 'gd' | 'preconditioned_gd' | 'gd_pp' | 'ridge' | 'ols' | 'averaging' | 'knn' | 'lsa' | 'softmax_tf';

/** One learner with its parameters: {"name": "knn", "k": 3}, {"name": "preconditioned_gd", "gamma": [[..]]}. */
export type IclLearnerSpec = { name: IclLearnerName } & { [param: string]: number | string | boolean | number[] | number[][] | TrainSettings };

/** How a trainable learner (`lsa` with `train`, `softmax_tf`) is trained; the core fills von Oswald's defaults. */
export type TrainSettings = {
  steps?: number;
  batch?: number;
  lr?: number;
  schedule?: 'constant' | 'cosine';
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Global-norm clip; null: none. */
  clip?: number | null;
  init_scale?: number;
  seed?: number;
  eval_tasks?: number;
  log_every?: number;
};

/** One point of a training curve (vO loss = ½·mean (ŷ − y)²; alignment with the reference algorithm). */
export type TrainCurvePoint = {
  step: number;
  loss: number;
  eval_loss: number;
  cos: number;
  model_diff: number;
  preds_diff: number;
  /** The effective preconditioner's diagonal (one-layer LSA only). */
  gamma_diag: number[] | null;
};

/** What one slice of training reports. */
export type TrainProgress = { learner: number | null; step: number; steps: number; points: TrainCurvePoint[]; done: boolean };

/** The request; every field but d, n and learners is optional (the core fills the defaults). */
export type IclRequest = {
  /** Input dimension (≤ 64). */
  d: number;
  /** Context pairs per task (≤ 1024). */
  n: number;
  /** σ of y = w·x + ε. */
  noise?: number;
  x?: 'gaussian' | 'uniform';
  x_range?: number;
  /** Λ's eigenvalues, d of them (default 1). */
  cov_eigs?: number[];
  /** Rotate Λ by a seeded orthogonal U (false: Λ is diagonal). */
  rotate?: boolean;
  /** w ~ N(0, τ² I) or w ~ N(0, Σ⁻¹). */
  prior?: 'identity' | 'inverse_cov';
  tau?: number;
  seed?: number;
  /** Monte Carlo tasks (≤ 10⁶; tasks · n · d ≤ 10⁸). */
  tasks?: number;
  /** Test prompt lengths M for one-step learners' closed-form risk (≤ 256 of them, each ≤ 10⁹). */
  lengths?: number[];
  /** May be empty when the request asks for a view object (trajectory, rnn). */
  learners: IclLearnerSpec[];
  /** V5's trajectory in the plane (d = 2). */
  trajectory?: IclTrajectorySpec;
  /** V10's RNN panel. */
  rnn?: IclRnnSpec;
  /** V10's time-series panel: AR(p) forecasting (defaults p = 3, σ = 0.05, histories p + {5, 25, 50, 100, 200}). */
  ar?: { p?: number; sigma?: number; histories?: number[]; series?: number };
};

/**
 * A learner's resolved or fitted parameters. The known keys are checked (dropped when malformed); the rest
 * (eta_source, solver, regulariser, …) pass through as the core sent them.
 */
export type IclParams = {
  etas?: number[];
  gamma?: number[][];
  gamma_eigs?: number[];
  /** Eigenvalues of ΓΛ, largest first. */
  gamma_lambda_eigs?: number[];
  lambda?: number;
  [other: string]: unknown;
};

export type IclLearnerResult = {
  name: string;
  /** Monte Carlo excess risk E[(ŷ − w·x_q)²] on the request's tasks; null if the core sent none (overflow). */
  risk: number | null;
  risk_se: number | null;
  /** The closed form (F1–F4), or null with closed_form_note saying why (none exists, or it is infinite). */
  risk_closed_form: number | null;
  /** Set when the "closed form" is itself a Monte Carlo estimate (ridge's trace estimator). */
  risk_closed_form_se: number | null;
  closed_form_note: string | null;
  params: IclParams;
  /** One-step learners: the closed-form risk at each of the request's lengths; null for the others. */
  closed_form_at_lengths: number[] | null;
};

export type IclResponse = {
  d: number;
  n: number;
  tasks: number;
  seed: number;
  noise_variance: number;
  /** tr(ΛP): the risk of predicting 0, the scale of every normalised error. */
  zero_predictor_risk: number;
  cov_eigs: number[];
  learners: IclLearnerResult[];
  /** Present when the request asked for it. */
  trajectory?: Trajectory;
  rnn?: RnnPanelData;
  ar?: ArPanel;
};

/** One history length of the forecasting curve: OLS-AR(p) and the true φ, one-step squared error (teacher forcing). */
export type ForecastPoint = { n: number; ols_mse: number; ols_se: number; true_mse: number; excess: number; excess_se: number };

/** V10's time-series panel. */
export type ArPanel = { p: number; sigma: number; noise_variance: number; series: number; curve: ForecastPoint[] };
