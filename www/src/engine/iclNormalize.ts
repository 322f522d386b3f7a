// Turns what the core's iclEvaluate hands back into the typed IclResponse, checking every field it reads.
import type { ArPanel, ForecastPoint, IclLearnerResult, IclParams, IclResponse } from './iclTypes';
import { toRnnPanel, toTrajectory } from './iclViewNormalize';
import { toPlain } from './normalize';

type Obj = Record<string, unknown>;

function asObj(value: unknown, what: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`engine: ${what} is not an object`);
  return value as Obj;
}

/** A required number (Infinity allowed: serde-wasm-bindgen passes non-finite f64 through; a u64 may be a BigInt). */
export function num(o: Obj, key: string, what: string): number {
  const raw = o[key];
  const v = typeof raw === 'bigint' ? Number(raw) : raw;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`engine: ${what}.${key} is not a number`);
  return v;
}

/** A number or null (JSON writes a non-finite f64 as null; an absent field is null too). */
function optNum(o: Obj, key: string): number | null {
  const v = o[key];
  return typeof v === 'number' && !Number.isNaN(v) ? v : null;
}

function optString(o: Obj, key: string): string | null {
  const v = o[key];
  return typeof v === 'string' ? v : null;
}

/** An array of numbers, or null when it is absent or holds anything else. */
function numbers(value: unknown): number[] | null {
  if (ArrayBuffer.isView(value)) return Array.from(value as Float64Array);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) return null;
  return value as number[];
}

function matrix(value: unknown): number[][] | null {
  if (!Array.isArray(value)) return null;
  const rows = value.map(numbers);
  return rows.every((r): r is number[] => r !== null && r.length === value.length) ? rows : null;
}

/** The known parameters checked (a malformed one is dropped), the others passed through. */
function toParams(value: unknown): IclParams {
  const o: Obj = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Obj) } : {};
  const out: IclParams = { ...o };
  for (const key of ['etas', 'gamma_eigs', 'gamma_lambda_eigs'] as const) {
    delete out[key];
    const v = numbers(o[key]);
    if (v) out[key] = v;
  }
  delete out.gamma;
  const gamma = matrix(o.gamma);
  if (gamma) out.gamma = gamma;
  delete out.lambda;
  if (typeof o.lambda === 'number') out.lambda = o.lambda;
  return out;
}

function toLearner(value: unknown, i: number): IclLearnerResult {
  const what = `learners[${i}]`;
  const o = asObj(value, what);
  if (typeof o.name !== 'string') throw new Error(`engine: ${what}.name is not a string`);
  return {
    name: o.name,
    risk: optNum(o, 'risk'),
    risk_se: optNum(o, 'risk_se'),
    risk_closed_form: optNum(o, 'risk_closed_form'),
    risk_closed_form_se: optNum(o, 'risk_closed_form_se'),
    closed_form_note: optString(o, 'closed_form_note'),
    params: toParams(o.params),
    // A length whose risk the core could not write (null) stays in place as NaN, so indices match `lengths`.
    closed_form_at_lengths: Array.isArray(o.closed_form_at_lengths)
      ? o.closed_form_at_lengths.map((v) => (typeof v === 'number' ? v : Number.NaN))
      : null,
  };
}

/** The AR(p) forecasting panel, every number checked. */
export function toArPanel(value: unknown): ArPanel {
  const o = asObj(value, 'ar');
  if (!Array.isArray(o.curve)) throw new Error('engine: ar.curve is not an array');
  const keys = ['n', 'ols_mse', 'ols_se', 'true_mse', 'excess', 'excess_se'] as const;
  const curve = o.curve.map((p, i) => {
    const q = asObj(p, `ar.curve[${i}]`);
    return Object.fromEntries(keys.map((k) => [k, num(q, k, `ar.curve[${i}]`)])) as ForecastPoint;
  });
  return { p: num(o, 'p', 'ar'), sigma: num(o, 'sigma', 'ar'), noise_variance: num(o, 'noise_variance', 'ar'), series: num(o, 'series', 'ar'), curve };
}

export function toIclResponse(raw: unknown): IclResponse {
  const o = asObj(toPlain(raw), 'icl response');
  if (!Array.isArray(o.learners)) throw new Error('engine: icl response.learners is not an array');
  return {
    d: num(o, 'd', 'icl response'),
    n: num(o, 'n', 'icl response'),
    tasks: num(o, 'tasks', 'icl response'),
    seed: num(o, 'seed', 'icl response'),
    noise_variance: num(o, 'noise_variance', 'icl response'),
    zero_predictor_risk: num(o, 'zero_predictor_risk', 'icl response'),
    cov_eigs: numbers(o.cov_eigs) ?? [],
    learners: o.learners.map(toLearner),
    ...(o.trajectory ? { trajectory: toTrajectory(o.trajectory) } : {}),
    ...(o.rnn ? { rnn: toRnnPanel(o.rnn) } : {}),
    ...(o.ar ? { ar: toArPanel(o.ar) } : {}),
  };
}
