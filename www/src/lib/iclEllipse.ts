// Level sets of a 2-D quadratic (V5's contour ellipses of the in-context loss) and equal-aspect plot bounds in the plane.
import type { LossQuadratic, Vec2 } from '../engine/iclViewTypes';

/** Eigen-decomposition of a symmetric 2×2 matrix: values largest first, unit vectors. */
export function eig2(h: readonly [Vec2, Vec2]): { values: Vec2; vectors: [Vec2, Vec2] } {
  const [a, b, d] = [h[0][0], (h[0][1] + h[1][0]) / 2, h[1][1]];
  const mean = (a + d) / 2;
  const radius = Math.hypot((a - d) / 2, b);
  const l1 = mean + radius;
  let v: Vec2 = Math.abs(b) > 1e-300 ? [l1 - d, b] : a >= d ? [1, 0] : [0, 1];
  const norm = Math.hypot(v[0], v[1]);
  v = [v[0] / norm, v[1] / norm];
  return { values: [l1, mean - radius], vectors: [v, [-v[1], v[0]]] };
}

/**
 * `count` points (closed: the last repeats the first) on {w : (w − c)ᵀ H (w − c) = r2}. Null when the set is not an ellipse
 * (H not positive definite, e.g. N < d, or r2 ≤ 0).
 */
export function ellipsePoints(centre: Vec2, h: readonly [Vec2, Vec2], r2: number, count = 96): Vec2[] | null {
  const { values, vectors } = eig2(h);
  if (!(values[1] > 1e-12 * Math.max(1, values[0])) || !(r2 > 0)) return null;
  const [ra, rb] = [Math.sqrt(r2 / values[0]), Math.sqrt(r2 / values[1])];
  const [u, v] = vectors;
  return Array.from({ length: count + 1 }, (_, i) => {
    const t = (2 * Math.PI * i) / count;
    const [p, q] = [ra * Math.cos(t), rb * Math.sin(t)];
    return [centre[0] + p * u[0] + q * v[0], centre[1] + p * u[1] + q * v[1]] as Vec2;
  });
}

/** One contour per loss level: L(w) = minimum + ½ (w − c)ᵀ H (w − c) = level, i.e. r² = 2 (level − minimum). */
export function lossContours(loss: LossQuadratic, count = 96): { level: number; points: Vec2[] }[] {
  return loss.levels.flatMap((level) => {
    const points = ellipsePoints(loss.centre, loss.hessian, 2 * (level - loss.minimum), count);
    return points ? [{ level, points }] : [];
  });
}

export type PlaneBounds = { x: Vec2; y: Vec2 };

/** Bounds around the points, padded by `pad` of the span, widened so one unit is as long on both axes (width/height aspect). */
export function planeBounds(points: readonly Vec2[], aspect = 1, pad = 0.12): PlaneBounds {
  const finite = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (finite.length === 0) return { x: [-1, 1], y: [-1 / aspect, 1 / aspect] };
  const xs = finite.map((p) => p[0]);
  const ys = finite.map((p) => p[1]);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(x1 - x0, (y1 - y0) * aspect, 1e-6);
  [x0, x1, y0, y1] = [x0 - pad * span, x1 + pad * span, y0 - (pad * span) / aspect, y1 + (pad * span) / aspect];
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  const half = Math.max((x1 - x0) / 2, ((y1 - y0) / 2) * aspect);
  return { x: [cx - half, cx + half], y: [cy - half / aspect, cy + half / aspect] };
}
