// One colour scale shared by every map: sequential (viridis) or diverging (PuOr, centred on 0), linear or log.
import { scaleLinear, scaleSequential } from 'd3-scale';
import { interpolatePuOr, interpolateViridis } from 'd3-scale-chromatic';

export type Domain = [number, number];

/** Number of colour steps in the lookup table used to fill canvases. */
export const LUT_SIZE = 256;

/** How far below the maximum a log scale reaches (values below draw as the lowest colour). */
export const LOG_DECADES = 4;

export type ColorScale = {
  /** diverging when any map has a negative entry: then the domain is [−m, m], centred on 0. */
  kind: 'sequential' | 'diverging';
  log: boolean;
  domain: Domain;
  /** Log scales: the smallest magnitude given its own colour. */
  floor: number;
};

/**
 * The shared domain [0, max] over every matrix given (nulls skipped; NaN/inf ignored).
 * Falls back to [0, 1] when there is no positive finite value, so the scale never collapses.
 */
export function sharedDomain(matrices: ReadonlyArray<ArrayLike<number> | null | undefined>): Domain {
  let max = 0;
  for (const m of matrices) {
    if (!m) continue;
    for (let i = 0; i < m.length; i++) {
      const v = m[i]!;
      if (v > max && Number.isFinite(v)) max = v;
    }
  }
  return [0, max > 0 ? max : 1];
}

/** Negative entries smaller than this fraction of the largest magnitude are float noise, not a signed map. */
export const SIGNED_TOLERANCE = 1e-6;

/** Whether a matrix has negative entries beyond float noise (relative to its largest magnitude). */
export function isSigned(m: ArrayLike<number>): boolean {
  let min = 0;
  let maxAbs = 0;
  for (let i = 0; i < m.length; i++) {
    const v = m[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  return min < -SIGNED_TOLERANCE * maxAbs;
}

/** The scale every map shares: min, max and smallest positive magnitude over all maps. */
export function sharedScale(matrices: ReadonlyArray<ArrayLike<number> | null | undefined>, log: boolean): ColorScale {
  let max = 0;
  let min = 0;
  let minPos = Infinity;
  for (const m of matrices) {
    if (!m) continue;
    for (let i = 0; i < m.length; i++) {
      const v = m[i]!;
      if (!Number.isFinite(v)) continue;
      if (v > max) max = v;
      if (v < min) min = v;
      const a = Math.abs(v);
      if (a > 0 && a < minPos) minPos = a;
    }
  }
  if (min < -SIGNED_TOLERANCE * Math.max(max, -min)) {
    const m = Math.max(-min, max) || 1;
    return { kind: 'diverging', log, domain: [-m, m], floor: Math.max(minPos, m / 10 ** LOG_DECADES) };
  }
  const hi = max > 0 ? max : 1;
  return { kind: 'sequential', log, domain: [0, hi], floor: Math.min(hi, Math.max(minPos, hi / 10 ** LOG_DECADES)) };
}

/** Position 0..1 of a value along the colour ramp (clamped; NaN → 0, or the centre when diverging). */
export function scaleT(s: ColorScale, v: number): number {
  const hi = s.domain[1];
  if (Number.isNaN(v)) return s.kind === 'diverging' ? 0.5 : 0;
  if (s.kind === 'sequential') {
    if (!s.log) return Math.max(0, Math.min(1, v / hi));
    if (v <= s.floor) return 0;
    if (s.floor >= hi) return 1;
    return Math.min(1, Math.log(v / s.floor) / Math.log(hi / s.floor));
  }
  const a = Math.min(Math.abs(v), hi);
  const mag = !s.log ? a / hi : a <= 0 ? 0 : Math.log1p(a / s.floor) / Math.log1p(hi / s.floor);
  return 0.5 + Math.sign(v) * mag * 0.5;
}

/** The colour ramp of a scale kind: viridis; or PuOr with orange for negative, purple for positive. */
export function interpolator(kind: ColorScale['kind']): (t: number) => string {
  return kind === 'sequential' ? interpolateViridis : (t: number) => interpolatePuOr(t);
}

/** CSS colour for a value under a scale. */
export function colorOf(s: ColorScale): (v: number) => string {
  const f = interpolator(s.kind);
  return (v: number) => f(scaleT(s, v));
}

/** CSS colour for a value under a linear viridis domain (clamped). */
export function colorFor(domain: Domain): (v: number) => string {
  return scaleSequential(interpolateViridis).domain(domain).clamp(true);
}

function toRgb(c: string): [number, number, number] {
  if (c.startsWith('#')) return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(c);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/** LUT_SIZE RGB triples sampled along a ramp from its low end to its high end. */
export function rampLut(kind: ColorScale['kind'], size = LUT_SIZE): Uint8Array {
  const f = interpolator(kind);
  const lut = new Uint8Array(size * 3);
  for (let i = 0; i < size; i++) lut.set(toRgb(f(size === 1 ? 0 : i / (size - 1))), i * 3);
  return lut;
}

export function viridisLut(size = LUT_SIZE): Uint8Array {
  return rampLut('sequential', size);
}

/** Index into the LUT for a value: linear in the domain, clamped; NaN maps to 0. */
export function lutIndex(v: number, domain: Domain, size = LUT_SIZE): number {
  const [lo, hi] = domain;
  const t = (v - lo) / (hi - lo);
  if (!(t > 0)) return 0;
  if (t >= 1) return size - 1;
  return Math.floor(t * (size - 1) + 0.5);
}

/** Fills RGBA pixels (one per value, row-major) with a linear viridis domain. */
export function fillRgba(values: ArrayLike<number>, domain: Domain, lut: Uint8Array, out: Uint8ClampedArray): void {
  fillRgbaScale(values, { kind: 'sequential', log: false, domain, floor: domain[1] }, lut, out, (v) => lutIndex(v, domain, lut.length / 3));
}

/** Fills RGBA pixels with any shared scale (lut must be the ramp of the scale's kind). */
export function fillRgbaScale(
  values: ArrayLike<number>,
  s: ColorScale,
  lut: Uint8Array,
  out: Uint8ClampedArray,
  index: (v: number) => number = (v) => Math.round(scaleT(s, v) * (lut.length / 3 - 1)),
): void {
  if (out.length !== values.length * 4) {
    throw new Error(`fillRgba: ${values.length} values need ${values.length * 4} bytes, got ${out.length}`);
  }
  for (let i = 0; i < values.length; i++) {
    const k = index(values[i]!) * 3;
    out[i * 4] = lut[k]!;
    out[i * 4 + 1] = lut[k + 1]!;
    out[i * 4 + 2] = lut[k + 2]!;
    out[i * 4 + 3] = 255;
  }
}

/** Evenly spaced legend stops (offset 0..1 and colour) for an SVG gradient. */
export function legendStops(count = 11, kind: ColorScale['kind'] = 'sequential'): { offset: number; color: string }[] {
  const f = interpolator(kind);
  return Array.from({ length: count }, (_, i) => {
    const t = count === 1 ? 0 : i / (count - 1);
    return { offset: t, color: f(t) };
  });
}

/** Legend ticks as {value, t}: decades for log scales, round numbers for linear ones. */
export function legendTicks(s: ColorScale, count = 5): { value: number; t: number }[] {
  const [lo, hi] = s.domain;
  let values: number[];
  if (!s.log) {
    values = scaleLinear().domain([lo, hi]).ticks(count);
  } else {
    const decades: number[] = [];
    for (let e = Math.ceil(Math.log10(s.floor)); e <= Math.floor(Math.log10(hi)); e++) decades.push(Number(`1e${e}`));
    values = s.kind === 'sequential' ? decades : [...decades.map((d) => -d).reverse(), 0, ...decades];
  }
  return values.map((value) => ({ value, t: scaleT(s, value) })).filter((x) => x.t >= 0 && x.t <= 1);
}
