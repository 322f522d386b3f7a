// The data an XY chart draws: closed-form lines with gaps, Monte Carlo estimates with ±SE, clipped to the axis.

/** Marker shapes, so series differ by more than colour. */
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'cross';

export type XY = { x: number; y: number };

/** The SVG path of a marker shape of radius `r`, centred on (0, 0). */
export function markerPath(shape: MarkerShape, r = 4): string {
  switch (shape) {
    case 'square':
      return `M${-r},${-r}h${2 * r}v${2 * r}h${-2 * r}Z`;
    case 'triangle':
      return `M0,${-r * 1.2}L${r * 1.1},${r * 0.8}L${-r * 1.1},${r * 0.8}Z`;
    case 'diamond':
      return `M0,${-r * 1.3}L${r * 1.1},0L0,${r * 1.3}L${-r * 1.1},0Z`;
    case 'cross':
      return `M${-r},${-r}L${r},${r}M${-r},${r}L${r},${-r}`;
    default:
      return `M${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
  }
}

/** A Monte Carlo estimate: y ± se. `shown`, `lo` and `hi` are clamped to the y axis; `clipped` says y is above it. */
export type Estimate = { x: number; y: number; se: number; shown: number; lo: number; hi: number; clipped: boolean };

export type ChartSeries = {
  id: string;
  label: string;
  color: string;
  dash: string;
  marker: MarkerShape;
  /** The closed form: null (or a non-finite y) breaks the line. */
  line: (XY | null)[];
  points: Estimate[];
  /** x positions where the closed form is infinite (annotated "∞" at the top of the axis). */
  infinite: number[];
};

/** A horizontal reference line (the zero predictor, a floor); its label sits at the plot's start or end. */
export type Rule = { id: string; y: number; label: string; dash: string; align?: 'start' | 'end' };

/** A vertical reference line (the training length N). */
export type Marker = { id: string; x: number; label: string };

/** An estimate y ± se drawn on an axis that ends at yMax: a point above is drawn at the top and marked clipped. */
export function clampEstimate(x: number, y: number, se: number, yMax: number, yMin = 0): Estimate {
  const clamp = (v: number) => Math.min(yMax, Math.max(yMin, v));
  const s = Number.isFinite(se) ? Math.abs(se) : 0;
  return { x, y, se: s, shown: clamp(y), lo: clamp(y - s), hi: clamp(y + s), clipped: y > yMax };
}

/**
 * An SVG path through the points in order; a null or non-finite point lifts the pen (a gap). `accept` rejects
 * points the scale cannot place (y ≤ 0 on a log axis).
 */
export function gappedPath(line: readonly (XY | null)[], sx: (x: number) => number, sy: (y: number) => number, accept: (p: XY) => boolean = () => true): string {
  let d = '';
  let pen = false;
  for (const p of line) {
    if (p === null || !Number.isFinite(p.x) || !Number.isFinite(p.y) || !accept(p)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Log-axis ticks inside [lo, hi]: the powers of ten, or 1-2-5 steps when fewer than three decades fit. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi >= lo)) return [];
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) decades.push(e);
  const powers = decades.map((e) => 10 ** e).filter(inside);
  if (powers.length >= 3) return powers;
  return decades.flatMap((e) => [1, 2, 5].map((m) => Number((m * 10 ** e).toPrecision(12)))).filter(inside);
}
