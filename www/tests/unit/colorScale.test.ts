// The shared colour scale: one domain over every map, viridis endpoints, LUT indexing and pixel filling.
import { describe, expect, it } from 'vitest';
import {
  colorFor,
  colorOf,
  fillRgba,
  fillRgbaScale,
  isSigned,
  legendStops,
  legendTicks,
  LOG_DECADES,
  LUT_SIZE,
  lutIndex,
  rampLut,
  scaleT,
  sharedDomain,
  sharedScale,
  viridisLut,
} from '../../src/lib/colorScale';

describe('sharedDomain', () => {
  it('spans 0 to the max over all maps, not per map', () => {
    const softmax = new Float32Array([0.1, 0.9, 0.0, 0.5]);
    const linear = new Float32Array([0.2, 0.3, 0.25, 0.25]);
    const d = sharedDomain([softmax, linear]);
    expect(d[0]).toBe(0);
    expect(d[1]).toBeCloseTo(0.9, 6);
    // The same domain whichever map comes first.
    expect(sharedDomain([linear, softmax])).toEqual(d);
  });

  it('uses the larger map max even when it is the second map', () => {
    expect(sharedDomain([[0.1, 0.2], [0.7, 0.05]])).toEqual([0, 0.7]);
  });

  it('skips missing maps and non-finite values', () => {
    expect(sharedDomain([null, [0.3, NaN, Infinity], undefined])).toEqual([0, 0.3]);
  });

  it('falls back to [0, 1] when nothing is positive', () => {
    expect(sharedDomain([])).toEqual([0, 1]);
    expect(sharedDomain([[0, 0]])).toEqual([0, 1]);
  });
});

describe('viridis LUT', () => {
  const lut = viridisLut(256);

  it('starts dark purple and ends yellow (viridis endpoints)', () => {
    expect(Array.from(lut.slice(0, 3))).toEqual([0x44, 0x01, 0x54]);
    expect(Array.from(lut.slice(255 * 3, 256 * 3))).toEqual([0xfd, 0xe7, 0x25]);
  });

  it('matches the d3 scale colour for the same value', () => {
    expect(colorFor([0, 0.5])(0.5)).toBe('#fde725');
    expect(colorFor([0, 0.5])(0)).toBe('#440154');
    expect(colorFor([0, 0.5])(2)).toBe('#fde725'); // clamped
  });

  it('indexes values linearly within the domain, clamped', () => {
    expect(lutIndex(0, [0, 2])).toBe(0);
    expect(lutIndex(1, [0, 2])).toBe(128); // 0.5 * 255 = 127.5 → 128
    expect(lutIndex(2, [0, 2])).toBe(255);
    expect(lutIndex(5, [0, 2])).toBe(255);
    expect(lutIndex(-1, [0, 2])).toBe(0);
    expect(lutIndex(NaN, [0, 2])).toBe(0);
  });

  it('fills RGBA pixels, one per value, opaque', () => {
    const out = new Uint8ClampedArray(8);
    fillRgba([0, 0.9], [0, 0.9], lut, out);
    expect(Array.from(out)).toEqual([0x44, 0x01, 0x54, 255, 0xfd, 0xe7, 0x25, 255]);
  });

  it('gives the same colour to equal values in different maps under the shared domain', () => {
    const d = sharedDomain([[0.2, 0.8], [0.4, 0.2]]);
    const a = new Uint8ClampedArray(8);
    const b = new Uint8ClampedArray(8);
    fillRgba([0.2, 0.8], d, lut, a);
    fillRgba([0.4, 0.2], d, lut, b);
    expect(Array.from(a.slice(0, 4))).toEqual(Array.from(b.slice(4, 8)));
  });

  it('rejects an output buffer of the wrong size', () => {
    expect(() => fillRgba([1, 2], [0, 2], lut, new Uint8ClampedArray(4))).toThrow(/2 values need 8 bytes/);
  });

  it('makes legend stops from 0 to 1', () => {
    const stops = legendStops(3);
    expect(stops.map((s) => s.offset)).toEqual([0, 0.5, 1]);
    expect(stops[0]?.color).toBe('#440154');
  });
});

describe('sharedScale (linear/log, sequential/diverging)', () => {
  it('shares one domain across maps, whichever map holds the extreme', () => {
    const a = new Float32Array([0.1, 0.9]);
    const b = new Float32Array([0.2, 0.3]);
    expect(sharedScale([a, b], false)).toEqual(sharedScale([b, a], false));
    expect(sharedScale([a, b], false)).toMatchObject({ kind: 'sequential', domain: [0, expect.closeTo(0.9, 6)] });
  });

  it('linear sequential: 0 → 0, max → 1, halfway → 0.5, clamped', () => {
    const s = sharedScale([[0, 0.5, 1]], false);
    expect(scaleT(s, 0)).toBe(0);
    expect(scaleT(s, 0.5)).toBe(0.5);
    expect(scaleT(s, 1)).toBe(1);
    expect(scaleT(s, 2)).toBe(1);
    expect(scaleT(s, -1)).toBe(0);
  });

  it('log sequential: equal ratios are equal steps, floor at LOG_DECADES below the max', () => {
    const s = sharedScale([[1e-8, 1e-3, 1e-2, 1e-1, 1]], true);
    expect(s.floor).toBeCloseTo(1 / 10 ** LOG_DECADES, 12);
    expect(scaleT(s, 1)).toBeCloseTo(1, 12);
    expect(scaleT(s, 1e-2)).toBeCloseTo(0.5, 12);
    expect(scaleT(s, 1e-1) - scaleT(s, 1e-2)).toBeCloseTo(scaleT(s, 1e-2) - scaleT(s, 1e-3), 12);
    expect(scaleT(s, 1e-8)).toBe(0);
    expect(scaleT(s, 0)).toBe(0);
    const ticks = legendTicks(s).map((t) => t.value);
    expect(ticks).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
  });

  it('diverging when any map is signed: symmetric domain centred on 0', () => {
    const s = sharedScale([[0.2, 0.5], [-0.8, 0.1]], false);
    expect(s.kind).toBe('diverging');
    expect(s.domain[0]).toBeCloseTo(-0.8, 6);
    expect(s.domain[1]).toBeCloseTo(0.8, 6);
    expect(scaleT(s, 0)).toBe(0.5);
    expect(scaleT(s, 0.8)).toBeCloseTo(1, 6);
    expect(scaleT(s, -0.8)).toBeCloseTo(0, 6);
    expect(scaleT(s, 0.4) - 0.5).toBeCloseTo(0.5 - scaleT(s, -0.4), 12);
    expect(scaleT(s, NaN)).toBe(0.5);
  });

  it('diverging log (symlog) keeps 0 at the centre and sign symmetry', () => {
    const s = sharedScale([[-1, 1e-3, 1]], true);
    expect(scaleT(s, 0)).toBe(0.5);
    expect(scaleT(s, 1)).toBeCloseTo(1, 12);
    expect(scaleT(s, -1e-2) - 0.5).toBeCloseTo(0.5 - scaleT(s, 1e-2) + 0, 12);
    expect(scaleT(s, 1e-2)).toBeGreaterThan(0.5);
    const ticks = legendTicks(s);
    expect(ticks.find((t) => t.value === 0)?.t).toBe(0.5);
  });

  it('colour ramps: viridis for sequential, PuOr (white-ish centre) for diverging', () => {
    expect(colorOf(sharedScale([[0, 1]], false))(1)).toBe('#fde725');
    const d = sharedScale([[-1, 1]], false);
    const mid = colorOf(d)(0);
    expect(mid.startsWith('rgb(') || mid.startsWith('#')).toBe(true);
    expect(colorOf(d)(-1)).not.toBe(colorOf(d)(1));
    const lut = rampLut('diverging');
    const k = Math.round(0.5 * (LUT_SIZE - 1)) * 3;
    expect(lut[k]! + lut[k + 1]! + lut[k + 2]!).toBeGreaterThan(3 * 230);
  });

  it('fillRgbaScale paints with the scale', () => {
    const s = sharedScale([[-1, 0, 1]], false);
    const lut = rampLut('diverging');
    const out = new Uint8ClampedArray(12);
    fillRgbaScale([-1, 0, 1], s, lut, out);
    expect(Array.from(out.slice(0, 3))).toEqual(Array.from(lut.slice(0, 3)));
    expect(Array.from(out.slice(8, 11))).toEqual(Array.from(lut.slice((LUT_SIZE - 1) * 3, LUT_SIZE * 3)));
    expect(out[3]).toBe(255);
  });
});

describe('signed detection', () => {
  it('treats float-noise negatives (GPU rounding) as non-negative, real negatives as signed', () => {
    expect(isSigned([0.07, -8.5e-10, 0.01])).toBe(false);
    expect(sharedScale([[0.07, -8.5e-10, 0.01]], false).kind).toBe('sequential');
    expect(isSigned([0.07, -0.01])).toBe(true);
    expect(sharedScale([[0.07], [-0.01]], false).kind).toBe('diverging');
  });
});
