// The shared colour scale: one domain over every map, viridis endpoints, LUT indexing and pixel filling.
import { describe, expect, it } from 'vitest';
import { colorFor, fillRgba, legendStops, lutIndex, sharedDomain, viridisLut } from '../../src/lib/colorScale';

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
