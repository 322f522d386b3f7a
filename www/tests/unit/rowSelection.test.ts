// The shared query-row highlight: hover, keyboard moves, click-to-lock.
import { describe, expect, it } from 'vitest';
import { highlightedRow, nextSelection, NO_SELECTION, type RowEvent, type RowSelection } from '../../src/lib/rowSelection';

function run(events: RowEvent[], n = 10, start: RowSelection = NO_SELECTION): RowSelection {
  return events.reduce((s, ev) => nextSelection(s, ev, n), start);
}

describe('row selection', () => {
  it('highlights the hovered row and clears on leave', () => {
    expect(highlightedRow(run([{ type: 'hover', row: 3 }]))).toBe(3);
    expect(highlightedRow(run([{ type: 'hover', row: 3 }, { type: 'leave' }]))).toBeNull();
  });

  it('locks on click so hovering no longer moves the highlight', () => {
    const s = run([{ type: 'click', row: 4 }, { type: 'hover', row: 7 }]);
    expect(s.locked).toBe(true);
    expect(highlightedRow(s)).toBe(4);
  });

  it('unlocks when the locked row is clicked again', () => {
    const s = run([{ type: 'click', row: 4 }, { type: 'click', row: 4 }, { type: 'hover', row: 6 }]);
    expect(s.locked).toBe(false);
    expect(highlightedRow(s)).toBe(6);
  });

  it('moves the lock when another row is clicked', () => {
    const s = run([{ type: 'click', row: 4 }, { type: 'click', row: 8 }]);
    expect([s.locked, highlightedRow(s)]).toEqual([true, 8]);
  });

  it('moves with arrow keys from the current row, clamped to 0..n-1', () => {
    expect(highlightedRow(run([{ type: 'hover', row: 5 }, { type: 'key', key: 'ArrowDown' }]))).toBe(6);
    expect(highlightedRow(run([{ type: 'key', key: 'ArrowDown' }]))).toBe(0);
    expect(highlightedRow(run([{ type: 'key', key: 'ArrowUp' }]))).toBe(9);
    expect(highlightedRow(run([{ type: 'key', key: 'Home' }, { type: 'key', key: 'ArrowUp' }]))).toBe(0);
    expect(highlightedRow(run([{ type: 'key', key: 'End' }, { type: 'key', key: 'PageDown' }]))).toBe(9);
  });

  it('moves a locked row with the keys and keeps it locked', () => {
    const s = run([{ type: 'click', row: 2 }, { type: 'key', key: 'ArrowDown' }, { type: 'hover', row: 9 }]);
    expect([s.locked, highlightedRow(s)]).toEqual([true, 3]);
  });

  it('toggles the lock with Enter and clears everything with Escape', () => {
    const locked = run([{ type: 'key', key: 'ArrowDown' }, { type: 'key', key: 'Enter' }]);
    expect([locked.locked, highlightedRow(locked)]).toEqual([true, 0]);
    expect(run([{ type: 'key', key: 'Escape' }], 10, locked)).toEqual(NO_SELECTION);
  });

  it('clamps rows when n shrinks', () => {
    const s = run([{ type: 'click', row: 9 }]);
    expect(highlightedRow(nextSelection(s, { type: 'resize', n: 4 }, 4))).toBe(3);
  });

  it('ignores unrelated keys (same object back)', () => {
    const s = run([{ type: 'hover', row: 1 }]);
    expect(nextSelection(s, { type: 'key', key: 'a' }, 10)).toBe(s);
  });
});
