// Axis helpers: integer ticks over positions and pixel ↔ cell conversion.
import { describe, expect, it } from 'vitest';
import { cellAt, cellCenter, indexTicks } from '../../src/lib/axis';

describe('axis', () => {
  it('puts integer ticks over 0..n-1', () => {
    expect(indexTicks(64)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(indexTicks(5)).toEqual([0, 1, 2, 3, 4]);
    expect(indexTicks(1)).toEqual([0]);
    expect(indexTicks(0)).toEqual([]);
  });
  it('maps cells to pixel centres and back', () => {
    expect(cellCenter(0, 64, 320)).toBe(2.5);
    expect(cellCenter(63, 64, 320)).toBe(317.5);
    expect(cellAt(2.5, 64, 320)).toBe(0);
    expect(cellAt(317.5, 64, 320)).toBe(63);
    expect(cellAt(-4, 64, 320)).toBe(0);
    expect(cellAt(999, 64, 320)).toBe(63);
  });
});
