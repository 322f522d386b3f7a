// The contour geometry of V5: ellipse points satisfy the quadratic, eigenvectors are hand-checked, bounds keep the aspect.
import { describe, expect, it } from 'vitest';
import type { LossQuadratic, Vec2 } from '../../src/engine/iclViewTypes';
import { eig2, ellipsePoints, lossContours, planeBounds } from '../../src/lib/iclEllipse';

const quad = (c: Vec2, h: [Vec2, Vec2], w: Vec2) => {
  const [a, b] = [w[0] - c[0], w[1] - c[1]];
  return a * (h[0][0] * a + h[0][1] * b) + b * (h[1][0] * a + h[1][1] * b);
};

describe('eig2', () => {
  it('diagonalises [[2, 1], [1, 2]] by hand: 3 along (1, 1)/√2, 1 along (−1, 1)/√2', () => {
    const { values, vectors } = eig2([[2, 1], [1, 2]]);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(vectors[0][0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0][1]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[1][0]).toBeCloseTo(-Math.SQRT1_2, 12);
  });

  it('keeps the axes of a diagonal matrix, the larger first', () => {
    expect(eig2([[1, 0], [0, 4]])).toEqual({ values: [4, 1], vectors: [[0, 1], [-1, 0]] });
  });
});

describe('ellipsePoints', () => {
  it('puts every point on (w − c)ᵀ H (w − c) = r²', () => {
    const c: Vec2 = [0.3, -1.2];
    const h: [Vec2, Vec2] = [[1.36, 0.28], [0.28, 1.22]];
    const pts = ellipsePoints(c, h, 0.5, 64)!;
    expect(pts).toHaveLength(65);
    expect(pts[64]![0]).toBeCloseTo(pts[0]![0], 12);
    for (const p of pts) expect(quad(c, h, p)).toBeCloseTo(0.5, 10);
  });

  it('has semi-axes √(r²/λ): x² + 4y² = 4 reaches x = ±2 and y = ±1', () => {
    const pts = ellipsePoints([0, 0], [[1, 0], [0, 4]], 4, 4)!;
    const xs = pts.map((p) => Math.abs(p[0]));
    const ys = pts.map((p) => Math.abs(p[1]));
    expect(Math.max(...xs)).toBeCloseTo(2, 12);
    expect(Math.max(...ys)).toBeCloseTo(1, 12);
  });

  it('gives null for a singular H (N < d) or a level at or below the minimum', () => {
    expect(ellipsePoints([0, 0], [[1, 1], [1, 1]], 1)).toBeNull();
    expect(ellipsePoints([0, 0], [[1, 0], [0, 1]], 0)).toBeNull();
  });
});

describe('lossContours', () => {
  it('draws L(w) = level, with r² = 2 (level − minimum)', () => {
    const loss: LossQuadratic = { centre: [1, 1], hessian: [[2, 0.5], [0.5, 1]], hessian_eigs: [], minimum: 0.1, at_zero: 1, levels: [1, 0.3, 0.1] };
    const contours = lossContours(loss, 32);
    expect(contours.map((c) => c.level)).toEqual([1, 0.3]);
    for (const c of contours) for (const p of c.points) expect(loss.minimum + 0.5 * quad(loss.centre, loss.hessian, p)).toBeCloseTo(c.level, 10);
  });
});

describe('planeBounds', () => {
  it('contains the points and has one unit as long on both axes', () => {
    const b = planeBounds([[0, 0], [2, 0.5], [1, -1]], 1.5, 0.1);
    expect(b.x[0]).toBeLessThan(0);
    expect(b.x[1]).toBeGreaterThan(2);
    expect(b.y[0]).toBeLessThan(-1);
    expect(b.y[1]).toBeGreaterThan(0.5);
    expect((b.x[1] - b.x[0]) / (b.y[1] - b.y[0])).toBeCloseTo(1.5, 12);
  });
});
