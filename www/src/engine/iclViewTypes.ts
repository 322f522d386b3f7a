// The ICL request's view objects and their answers: V5's trajectory in the plane and V10's RNN panel (docs/api.md, the ICL schema).

/** `"trajectory"` (V5; the request's d must be 2). Every field optional: the core fills the defaults. */
export type IclTrajectorySpec = {
  /** GD steps from 0 = constructed LSA layers (1 … 200; default 10). */
  steps?: number;
  /** GD's 1/N-normalised step; default F1's optimal one-step η*. */
  eta?: number;
  /** Points on the ridge path (≤ 400; default 61), λ log-spaced from lambda_max (1e4) down to lambda_min (1e-8). */
  ridge_points?: number;
  lambda_max?: number;
  lambda_min?: number;
  /** GD++ layers: a shared eta/gamma or per-layer etas/gammas (η defaults to GD's). */
  gd_pp?: { eta?: number; gamma?: number; etas?: number[]; gammas?: number[] };
  /** The streaming panel's K_max (≤ 256; default 20). */
  stream?: number;
};

/** `"rnn"` (V10's RNN panel). */
export type IclRnnSpec = {
  /** λ ∈ (0, 1] (default 1: exact causal linear attention). */
  decay?: number;
  /** tokens: W_Q = W_K = W_V = I; gd: keys/queries x, values (η/N) y; seeded: Gaussian weights (d_k, d_v, seed). */
  projections?: 'tokens' | 'gd' | 'seeded';
  /** Tokens streamed (≤ 64 and ≤ n + 1; default n + 1: the context, then the query). */
  steps?: number;
  eta?: number;
  d_k?: number;
  d_v?: number;
  seed?: number;
};

export type Vec2 = [number, number];

/** L(w) = minimum + ½ (w − centre)ᵀ hessian (w − centre). */
export type LossQuadratic = { centre: Vec2; hessian: [Vec2, Vec2]; hessian_eigs: number[]; minimum: number; at_zero: number; levels: number[] };

export type Trajectory = {
  w_true: Vec2;
  x: Vec2[];
  y: number[];
  ols: Vec2;
  loss: LossQuadratic;
  ridge_path: { lambda: number; w: Vec2 }[];
  ridge_bayes: Vec2;
  eta: number;
  eta_source: string;
  eta_stable: boolean;
  /** gd[k] = w_k, gd[0] = 0. */
  gd: Vec2[];
  gd_loss: number[];
  /** The constructed LSA's implicit weights after ℓ layers (lsa[0] = 0). */
  lsa: Vec2[];
  lsa_max_abs_diff_vs_gd: number;
  gd_pp: { etas: number[]; gammas: number[]; w: Vec2[]; loss: number[] } | null;
  streaming: { k: number[]; ols: Vec2[]; ridge: Vec2[]; gd: Vec2[]; gd_etas: number[]; ridge_lambda: number | null };
};

export type RnnPanelData = {
  projections: string;
  decay: number;
  d_k: number;
  d_v: number;
  /** T rows of d + 1: (x_i, y_i), then (x_q, 0). */
  tokens: number[][];
  w_q: number[][];
  w_k: number[][];
  w_v: number[][];
  /** states[t]: S_t, d_v rows of d_k. */
  states: number[][][];
  recurrent: number[][];
  parallel: number[][];
  max_abs_diff: number;
  gd_prediction: number | null;
  eta: number | null;
};
