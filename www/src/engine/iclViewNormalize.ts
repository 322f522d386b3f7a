// Checks the view objects of an ICL response (V5's trajectory, V10's RNN panel) as the core hands them back.
import type { LossQuadratic, RnnPanelData, Trajectory, Vec2 } from './iclViewTypes';

type Obj = Record<string, unknown>;

function obj(value: unknown, what: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`engine: ${what} is not an object`);
  return value as Obj;
}

function num(value: unknown, what: string): number {
  const v = typeof value === 'bigint' ? Number(value) : value;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`engine: ${what} is not a number`);
  return v;
}

function nums(value: unknown, what: string): number[] {
  const list = ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value;
  if (!Array.isArray(list)) throw new Error(`engine: ${what} is not an array`);
  return list.map((v, i) => num(v, `${what}[${i}]`));
}

function vec2(value: unknown, what: string): Vec2 {
  const v = nums(value, what);
  if (v.length !== 2) throw new Error(`engine: ${what} has ${v.length} entries, not 2`);
  return [v[0]!, v[1]!];
}

function list<T>(value: unknown, what: string, item: (v: unknown, what: string) => T): T[] {
  if (!Array.isArray(value)) throw new Error(`engine: ${what} is not an array`);
  return value.map((v, i) => item(v, `${what}[${i}]`));
}

const vec2s = (value: unknown, what: string) => list(value, what, vec2);
const rows = (value: unknown, what: string) => list(value, what, nums);

function toLoss(value: unknown): LossQuadratic {
  const o = obj(value, 'trajectory.loss');
  const h = vec2s(o.hessian, 'trajectory.loss.hessian');
  if (h.length !== 2) throw new Error('engine: trajectory.loss.hessian is not 2×2');
  return {
    centre: vec2(o.centre, 'trajectory.loss.centre'),
    hessian: [h[0]!, h[1]!],
    hessian_eigs: nums(o.hessian_eigs, 'trajectory.loss.hessian_eigs'),
    minimum: num(o.minimum, 'trajectory.loss.minimum'),
    at_zero: num(o.at_zero, 'trajectory.loss.at_zero'),
    levels: nums(o.levels, 'trajectory.loss.levels'),
  };
}

/** V5's data (throws naming the first malformed field). */
export function toTrajectory(value: unknown): Trajectory {
  const o = obj(value, 'trajectory');
  const s = obj(o.streaming, 'trajectory.streaming');
  const pp = o.gd_pp === null || o.gd_pp === undefined ? null : obj(o.gd_pp, 'trajectory.gd_pp');
  return {
    w_true: vec2(o.w_true, 'trajectory.w_true'),
    x: vec2s(o.x, 'trajectory.x'),
    y: nums(o.y, 'trajectory.y'),
    ols: vec2(o.ols, 'trajectory.ols'),
    loss: toLoss(o.loss),
    ridge_path: list(o.ridge_path, 'trajectory.ridge_path', (p, what) => {
      const q = obj(p, what);
      return { lambda: num(q.lambda, `${what}.lambda`), w: vec2(q.w, `${what}.w`) };
    }),
    ridge_bayes: vec2(o.ridge_bayes, 'trajectory.ridge_bayes'),
    eta: num(o.eta, 'trajectory.eta'),
    eta_source: typeof o.eta_source === 'string' ? o.eta_source : '',
    eta_stable: o.eta_stable === true,
    gd: vec2s(o.gd, 'trajectory.gd'),
    gd_loss: nums(o.gd_loss, 'trajectory.gd_loss'),
    lsa: vec2s(o.lsa, 'trajectory.lsa'),
    lsa_max_abs_diff_vs_gd: num(o.lsa_max_abs_diff_vs_gd, 'trajectory.lsa_max_abs_diff_vs_gd'),
    gd_pp: pp && {
      etas: nums(pp.etas, 'trajectory.gd_pp.etas'),
      gammas: nums(pp.gammas, 'trajectory.gd_pp.gammas'),
      w: vec2s(pp.w, 'trajectory.gd_pp.w'),
      loss: nums(pp.loss, 'trajectory.gd_pp.loss'),
    },
    streaming: {
      k: nums(s.k, 'trajectory.streaming.k'),
      ols: vec2s(s.ols, 'trajectory.streaming.ols'),
      ridge: vec2s(s.ridge, 'trajectory.streaming.ridge'),
      gd: vec2s(s.gd, 'trajectory.streaming.gd'),
      gd_etas: nums(s.gd_etas, 'trajectory.streaming.gd_etas'),
      ridge_lambda: typeof s.ridge_lambda === 'number' ? s.ridge_lambda : null,
    },
  };
}

/** V10's RNN panel (throws naming the first malformed field). */
export function toRnnPanel(value: unknown): RnnPanelData {
  const o = obj(value, 'rnn');
  const states = list(o.states, 'rnn.states', rows);
  const recurrent = rows(o.recurrent, 'rnn.recurrent');
  const parallel = rows(o.parallel, 'rnn.parallel');
  if (states.length !== recurrent.length || parallel.length !== recurrent.length) throw new Error('engine: rnn.states, recurrent and parallel differ in length');
  return {
    projections: typeof o.projections === 'string' ? o.projections : '',
    decay: num(o.decay, 'rnn.decay'),
    d_k: num(o.d_k, 'rnn.d_k'),
    d_v: num(o.d_v, 'rnn.d_v'),
    tokens: rows(o.tokens, 'rnn.tokens'),
    w_q: rows(o.w_q, 'rnn.w_q'),
    w_k: rows(o.w_k, 'rnn.w_k'),
    w_v: rows(o.w_v, 'rnn.w_v'),
    states,
    recurrent,
    parallel,
    max_abs_diff: num(o.max_abs_diff, 'rnn.max_abs_diff'),
    gd_prediction: typeof o.gd_prediction === 'number' ? o.gd_prediction : null,
    eta: typeof o.eta === 'number' ? o.eta : null,
  };
}
