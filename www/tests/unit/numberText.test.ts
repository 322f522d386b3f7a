// Export number text: f64 values at 15 significant digits, f32 values at their shortest round-trip decimal.
import { describe, expect, it } from 'vitest';
import { tidyF32, tidyF32Array, tidyF64 } from '../../src/lib/numberText';

describe('tidyF64', () => {
  it('drops binary noise from sums and products', () => {
    expect(tidyF64(41.300000000000004)).toBe(41.3);
    expect(tidyF64(0.1 + 0.2)).toBe(0.3);
    expect(tidyF64(1.1 * 3)).toBe(3.3);
    expect(String(tidyF64(12.345678901234567))).toBe('12.3456789012346');
  });

  it('keeps exact values, tiny and huge magnitudes, signs and non-finite values', () => {
    expect(tidyF64(0)).toBe(0);
    expect(tidyF64(-2.5)).toBe(-2.5);
    expect(tidyF64(1e-20)).toBe(1e-20);
    expect(tidyF64(6.02214076e23)).toBe(6.02214076e23);
    expect(tidyF64(Infinity)).toBe(Infinity);
    expect(tidyF64(NaN)).toBeNaN();
  });
});

describe('tidyF32', () => {
  it('prints an f32 widened to f64 as its shortest decimal', () => {
    expect(Math.fround(0.1)).toBe(0.10000000149011612);
    expect(tidyF32(Math.fround(0.1))).toBe(0.1);
    expect(tidyF32(Math.fround(41.3))).toBe(41.3);
    expect(tidyF32(Math.fround(1 / 3))).toBe(0.33333334);
    expect(tidyF32(Math.fround(1e-7))).toBe(1e-7);
  });

  it('always reads back to the same f32', () => {
    for (const v of [Math.PI, Math.E, 1 / 64, 0.015625, 3.4e38, 1.17549435e-38, -0.7071067811865476, 123456.789]) {
      const t = tidyF32(v);
      expect(Math.fround(t)).toBe(Math.fround(v));
      expect(String(t).replace(/^-|0\.0*|\.|e.*$/g, '').length).toBeLessThanOrEqual(9);
    }
  });

  it('keeps zero, signs and non-finite values', () => {
    expect(tidyF32(0)).toBe(0);
    expect(tidyF32(-Math.fround(0.25))).toBe(-0.25);
    expect(tidyF32(-Infinity)).toBe(-Infinity);
    expect(tidyF32(NaN)).toBeNaN();
  });

  it('converts a Float32Array element by element', () => {
    expect(tidyF32Array(new Float32Array([0.1, 0.2, 0.7]))).toEqual([0.1, 0.2, 0.7]);
  });
});
