// V7, prompt-length generalisation: the test lengths M (log-spaced, plus "∞"), the request, and the curve R(M) with its floor.
import type { IclRequest, IclResponse } from '../engine/iclTypes';
import { baseRequest, type AnisotropicSetting } from './iclAnisotropic';
import { learnerAt } from './iclResponse';
import { clampEstimate, type Estimate, type XY } from './xyChart';

/** Stands in for M → ∞: the closed form there is the floor Σ λ(1 − g λ)² to ~1e-9 relative. */
export const FLOOR_LENGTH = 1_000_000_000;
/** Lengths always on the curve (the reference values in icl.md F4c). */
export const ANCHOR_LENGTHS: readonly number[] = [5, 10, 20, 40, 80, 1000];
export const CURVE_POINTS = 40;
export const CURVE_MAX = 1000;

/** About `count` whole numbers log-spaced from 1 to `max` (rounding merges the first few: 1, 2, 3, …). */
export function logLengths(count = CURVE_POINTS, max = CURVE_MAX): number[] {
  if (count < 2 || max <= 1) return [1];
  const out = new Set<number>();
  for (let i = 0; i < count; i++) out.add(Math.round(max ** (i / (count - 1))));
  return [...out].sort((a, b) => a - b);
}

/** The curve's lengths (log-spaced, the anchors and the training N), ascending, then FLOOR_LENGTH. */
export function promptLengths(n: number): number[] {
  const finite = new Set([...logLengths(), ...ANCHOR_LENGTHS]);
  if (Number.isInteger(n) && n >= 1 && n < FLOOR_LENGTH) finite.add(n);
  return [...[...finite].sort((a, b) => a - b), FLOOR_LENGTH];
}

/** The optimal one-layer LSA (Γ* fitted at N), scored at every prompt length M. */
export function lengthRequest(s: AnisotropicSetting): IclRequest {
  return { ...baseRequest(s), lengths: promptLengths(s.n), learners: [{ name: 'preconditioned_gd' }] };
}

export type LengthCurve = {
  /** R(M) for the finite lengths, M ascending. */
  line: XY[];
  /** R(∞): the closed form at FLOOR_LENGTH; null if the request had none. */
  floor: number | null;
  /** The training length N with the closed form there, and the Monte Carlo risk at N. */
  n: number;
  atN: number | null;
  mc: Estimate | null;
  /** The anchor lengths' values, for the readout. */
  anchors: { m: number; value: number }[];
};

/** The curve of a V7 answer; the lengths are the request's (the response's values are in the same order). */
export function lengthCurve(request: IclRequest, response: IclResponse): LengthCurve {
  const lsa = learnerAt(response, 0, 'preconditioned_gd');
  const values = lsa?.closed_form_at_lengths ?? [];
  const lengths = request.lengths ?? [];
  const line: XY[] = [];
  let floor: number | null = null;
  lengths.forEach((m, i) => {
    const v = values[i];
    if (v === undefined || !Number.isFinite(v)) return;
    if (m === FLOOR_LENGTH) floor = v;
    else line.push({ x: m, y: v });
  });
  line.sort((a, b) => a.x - b.x);
  const at = (m: number) => line.find((p) => p.x === m)?.y ?? null;
  const mc = lsa && lsa.risk !== null ? clampEstimate(response.n, lsa.risk, lsa.risk_se ?? 0, Infinity, -Infinity) : null;
  return {
    line,
    floor,
    n: response.n,
    atN: lsa?.risk_closed_form ?? at(response.n),
    mc,
    anchors: ANCHOR_LENGTHS.flatMap((m) => {
      const value = at(m);
      return value === null ? [] : [{ m, value }];
    }),
  };
}
