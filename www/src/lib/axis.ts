// Axis helpers for position-indexed maps: integer ticks and pixel ↔ index conversion.
import { scaleLinear } from 'd3-scale';

/** Integer tick positions in 0..n-1 (always including 0), at most about maxTicks of them. */
export function indexTicks(n: number, maxTicks = 6): number[] {
  if (n <= 0) return [];
  if (n === 1) return [0];
  const ticks = scaleLinear().domain([0, n - 1]).ticks(maxTicks).filter((t) => Number.isInteger(t));
  return ticks.length > 0 ? ticks : [0];
}

/** The centre, in pixels, of cell `index` when n cells span `size` pixels. */
export function cellCenter(index: number, n: number, size: number): number {
  return ((index + 0.5) * size) / n;
}

/** The cell under a pixel offset (clamped to 0..n-1). */
export function cellAt(offset: number, n: number, size: number): number {
  if (n <= 0 || size <= 0) return 0;
  return Math.max(0, Math.min(n - 1, Math.floor((offset / size) * n)));
}
