// The XY chart's data helpers: clamping estimates to the axis, gapped paths, log ticks.
import { describe, expect, it } from 'vitest';
import { clampEstimate, gappedPath, logTicks } from '../../src/lib/xyChart';

describe('clampEstimate', () => {
  it('keeps a point inside the axis as it is, with its ±SE band', () => {
    expect(clampEstimate(3, 0.5, 0.1, 1.25)).toEqual({ x: 3, y: 0.5, se: 0.1, shown: 0.5, lo: 0.4, hi: 0.6, clipped: false });
  });

  it('draws a point above the axis at the top and marks it clipped, keeping its value', () => {
    expect(clampEstimate(1, 21, 2, 1.25)).toEqual({ x: 1, y: 21, se: 2, shown: 1.25, lo: 1.25, hi: 1.25, clipped: true });
  });

  it('clamps the band at the bottom and treats a missing SE as 0', () => {
    expect(clampEstimate(1, 0.05, 0.2, 1.25)).toMatchObject({ lo: 0, hi: 0.25 });
    expect(clampEstimate(1, 0.5, Number.NaN, 1.25)).toMatchObject({ se: 0, lo: 0.5, hi: 0.5 });
  });
});

describe('gappedPath', () => {
  const id = (v: number) => v;
  it('lifts the pen at null and non-finite points', () => {
    expect(gappedPath([{ x: 1, y: 1 }, { x: 2, y: 2 }, null, { x: 4, y: 4 }, { x: 5, y: Infinity }, { x: 6, y: 6 }, { x: 7, y: 7 }], id, id)).toBe(
      'M1.0,1.0L2.0,2.0M4.0,4.0M6.0,6.0L7.0,7.0',
    );
  });

  it('skips points the scale cannot place', () => {
    expect(gappedPath([{ x: 1, y: 0 }, { x: 2, y: 1 }, { x: 3, y: 2 }], id, id, (p) => p.y > 0)).toBe('M2.0,1.0L3.0,2.0');
  });
});

describe('logTicks', () => {
  it('gives the powers of ten when three or more fit', () => {
    expect(logTicks(1, 1000)).toEqual([1, 10, 100, 1000]);
  });

  it('falls back to 1-2-5 steps on a short range', () => {
    expect(logTicks(0.35, 30)).toEqual([0.5, 1, 2, 5, 10, 20]);
  });

  it('is empty for a range a log axis cannot show', () => {
    expect(logTicks(0, 10)).toEqual([]);
    expect(logTicks(10, 1)).toEqual([]);
  });
});
