// The colour-scale suggestion: a map with most entries in the bottom 5 % of the linear scale triggers it; log never does.
import { describe, expect, it } from 'vitest';
import { sharedScale } from '../../src/lib/colorScale';
import { darkShare, DARK_BOTTOM, DARK_SHARE, suggestScale } from '../../src/lib/scaleSuggestion';

/** An n×n row-stochastic map: one weight `peak` on the diagonal, the rest spread evenly. */
function peaked(n: number, peak: number): Float32Array {
  const a = new Float32Array(n * n).fill((1 - peak) / (n - 1));
  for (let i = 0; i < n; i++) a[i * n + i] = peak;
  return a;
}

describe('darkShare', () => {
  it('counts the entries below 5 % of the top of a sequential scale', () => {
    expect(DARK_BOTTOM).toBe(0.05);
    const scale = sharedScale([new Float32Array([1])], false); // domain [0, 1]
    expect(darkShare(new Float32Array([0, 0.01, 0.049, 0.05, 0.5, 1]), scale)).toBeCloseTo(3 / 6, 12);
    expect(darkShare(new Float32Array([NaN, Infinity, 0.01, 0.9]), scale)).toBe(0.5);
    expect(darkShare(new Float32Array([]), scale)).toBe(0);
  });

  it('measures a diverging scale from its centre', () => {
    const scale = sharedScale([new Float32Array([-2, 2])], false); // [−2, 2]
    expect(scale.kind).toBe('diverging');
    // |v| / 2 < 0.05 ⇔ |v| < 0.1
    expect(darkShare(new Float32Array([-0.05, 0.09, 0.11, -1.5]), scale)).toBe(0.5);
  });
});

describe('suggestScale', () => {
  it('fires when a flat map shares its scale with a sharp one', () => {
    const n = 64;
    const sharp = peaked(n, 0.9); // off-diagonal 0.1/63 ≈ 0.0016 < 0.05 × 0.9
    const flat = new Float32Array(n * n).fill(1 / n);
    const scale = sharedScale([sharp, flat], false);
    const s = suggestScale([{ label: 'softmax', data: sharp }, { label: 'linear_elu', data: flat }], scale);
    expect(s).not.toBeNull();
    expect(s!.maps.map((m) => m.label)).toEqual(['softmax', 'linear_elu']);
    expect(s!.maps[0]!.share).toBeCloseTo((n * n - n) / (n * n), 12);
    // 1/64 ≈ 0.0156 is below 0.045 = 5 % of the shared top 0.9.
    expect(s!.maps[1]!.share).toBe(1);
    // A constant map on its own range is all top colour: the per-map range would light it up.
    expect(s!.offers).toEqual(['log', 'map']);
  });

  it('stays quiet when the maps use their colours, on the log scale, and without data', () => {
    const n = 8;
    const even = peaked(n, 0.3); // off-diagonal 0.1 ≥ 0.05 × 0.3
    expect(suggestScale([{ label: 'a', data: even }], sharedScale([even], false))).toBeNull();
    const sharp = peaked(64, 0.9);
    expect(suggestScale([{ label: 'a', data: sharp }], sharedScale([sharp], true))).toBeNull();
    expect(suggestScale([{ label: 'a', data: null }], sharedScale([], false))).toBeNull();
  });

  it('needs three quarters of a map in the dark, not just some of it', () => {
    expect(DARK_SHARE).toBe(0.75);
    const half = new Float32Array([0.01, 0.01, 0.5, 1]); // 2 of 4 dark
    const most = new Float32Array([0.01, 0.01, 0.01, 1]); // 3 of 4 dark
    const scale = sharedScale([half, most], false);
    expect(suggestScale([{ label: 'half', data: half }, { label: 'most', data: most }], scale)).toEqual({ maps: [{ label: 'most', share: 0.75 }], offers: ['log'] });
  });

  it('offers a per-map range when a map is dark only because another map sets the top', () => {
    const sharp = peaked(16, 0.9);
    const flat = new Float32Array(16 * 16).map((_, i) => 0.01 + 0.01 * (i % 3)); // 0.01..0.03: below 0.045 = 5 % of 0.9, spread on its own
    const scale = sharedScale([sharp, flat], false);
    const s = suggestScale([{ label: 'softmax', data: sharp }, { label: 'flat', data: flat }], scale);
    expect(s?.offers).toEqual(['log', 'map']);
    expect(s?.maps.map((m) => m.label)).toEqual(['softmax', 'flat']);
    // On their own ranges the flat map lights up; softmax stays dark (most of its row is near 0), so only log is left.
    const own = suggestScale([{ label: 'softmax', data: sharp }, { label: 'flat', data: flat }], scale, true);
    expect(own).toEqual({ maps: [{ label: 'softmax', share: (16 * 16 - 16) / (16 * 16) }], offers: ['log'] });
  });
});
