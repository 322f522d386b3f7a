// One colour scale shared by every attention map: domain 0..max over all maps, viridis, quantised LUT.
import { scaleSequential } from 'd3-scale';
import { interpolateViridis } from 'd3-scale-chromatic';

export type Domain = [number, number];

/** Number of colour steps in the lookup table used to fill canvases. */
export const LUT_SIZE = 256;

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

/** CSS colour for a value under the shared scale (clamped to the domain). */
export function colorFor(domain: Domain): (v: number) => string {
  return scaleSequential(interpolateViridis).domain(domain).clamp(true);
}

/** LUT_SIZE RGB triples sampled along viridis from the low end to the high end. */
export function viridisLut(size = LUT_SIZE): Uint8Array {
  const lut = new Uint8Array(size * 3);
  for (let i = 0; i < size; i++) {
    const hex = interpolateViridis(size === 1 ? 0 : i / (size - 1)); // "#rrggbb"
    lut[i * 3] = parseInt(hex.slice(1, 3), 16);
    lut[i * 3 + 1] = parseInt(hex.slice(3, 5), 16);
    lut[i * 3 + 2] = parseInt(hex.slice(5, 7), 16);
  }
  return lut;
}

/** Index into the LUT for a value: linear in the domain, clamped; NaN maps to 0. */
export function lutIndex(v: number, domain: Domain, size = LUT_SIZE): number {
  const [lo, hi] = domain;
  const t = (v - lo) / (hi - lo);
  if (!(t > 0)) return 0;
  if (t >= 1) return size - 1;
  return Math.floor(t * (size - 1) + 0.5);
}

/** Fills RGBA pixels (one per value, row-major) with the shared colour scale. */
export function fillRgba(values: ArrayLike<number>, domain: Domain, lut: Uint8Array, out: Uint8ClampedArray): void {
  if (out.length !== values.length * 4) {
    throw new Error(`fillRgba: ${values.length} values need ${values.length * 4} bytes, got ${out.length}`);
  }
  const size = lut.length / 3;
  for (let i = 0; i < values.length; i++) {
    const k = lutIndex(values[i]!, domain, size) * 3;
    out[i * 4] = lut[k]!;
    out[i * 4 + 1] = lut[k + 1]!;
    out[i * 4 + 2] = lut[k + 2]!;
    out[i * 4 + 3] = 255;
  }
}

/** Evenly spaced legend stops (offset 0..1 and colour) for an SVG gradient. */
export function legendStops(count = 11): { offset: number; color: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const t = count === 1 ? 0 : i / (count - 1);
    return { offset: t, color: interpolateViridis(t) };
  });
}
