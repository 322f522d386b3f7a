// The cell cursor: arrow, page and Home/End moves with clamping, the lock, Escape, and what the maps show and say.
import { describe, expect, it } from 'vitest';
import { cellValue, cursorText, focusedCell } from '../../src/lib/cellCursor';
import { isCursorKey, nextSelection, NO_SELECTION, type RowEvent, type RowSelection } from '../../src/lib/rowSelection';

/** Maps of this many rows and columns (n × n, as every attention map here). */
const N = 32;

function keys(list: (string | [string, 'ctrl'])[], start: RowSelection = NO_SELECTION): RowSelection {
  const events: RowEvent[] = list.map((k) => (typeof k === 'string' ? { type: 'key', key: k } : { type: 'key', key: k[0], ctrl: true }));
  return events.reduce((s, ev) => nextSelection(s, ev, N), start);
}

/** Where the cursor is: [row, column]. */
function at(s: RowSelection): [number | null, number | null] {
  const c = focusedCell(s);
  return c ? [c.row, c.col] : [s.picked, s.column];
}

describe('cell cursor keys', () => {
  it('starts at the first cell on a forward move and at the last row or column on a backward one', () => {
    expect(at(keys(['ArrowRight']))).toEqual([0, 0]);
    expect(at(keys(['ArrowDown']))).toEqual([0, 0]);
    expect(at(keys(['ArrowLeft']))).toEqual([0, N - 1]);
    expect(at(keys(['ArrowUp']))).toEqual([N - 1, 0]);
  });

  it('moves the row with ↑/↓ and the key column with ←/→, each keeping the other', () => {
    expect(at(keys(['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowDown']))).toEqual([2, 2]);
    expect(at(keys(['ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowLeft', 'ArrowRight', 'ArrowRight']))).toEqual([1, 2]);
  });

  it('clamps at every edge', () => {
    expect(at(keys(['ArrowRight', 'ArrowLeft', 'ArrowLeft']))).toEqual([0, 0]);
    expect(at(keys(['ArrowDown', 'ArrowUp', 'ArrowUp']))).toEqual([0, 0]);
    expect(at(keys([['End', 'ctrl'], 'ArrowRight', 'ArrowDown']))).toEqual([N - 1, N - 1]);
    expect(at(keys([['End', 'ctrl'], 'PageDown']))).toEqual([N - 1, N - 1]);
    expect(at(keys(['ArrowDown', 'PageUp']))).toEqual([0, 0]);
  });

  it('pages the row by 10 and leaves the column alone', () => {
    expect(at(keys(['ArrowRight', 'ArrowRight', 'PageDown']))).toEqual([10, 1]);
    expect(at(keys(['ArrowRight', 'PageDown', 'PageDown', 'PageDown', 'PageDown']))).toEqual([N - 1, 0]);
    expect(at(keys([['End', 'ctrl'], 'PageUp', 'PageUp']))).toEqual([N - 21, N - 1]);
  });

  it('goes to the row’s first and last key with Home/End, to the first and last cell with Ctrl', () => {
    const mid = keys(['ArrowDown', 'PageDown', 'ArrowRight', 'ArrowRight', 'ArrowRight']);
    expect(at(mid)).toEqual([10, 3]);
    expect(at(keys(['End'], mid))).toEqual([10, N - 1]);
    expect(at(keys(['Home'], mid))).toEqual([10, 0]);
    expect(at(keys([['End', 'ctrl']], mid))).toEqual([N - 1, N - 1]);
    expect(at(keys([['Home', 'ctrl']], mid))).toEqual([0, 0]);
    // With no cursor yet, Home starts at the first cell (so Home, ↓, ↓ lands on row 2 of every map).
    expect(at(keys(['Home', 'ArrowDown', 'ArrowDown']))).toEqual([2, 0]);
  });

  it('locks and unlocks the row with Enter, keeping the cell', () => {
    const locked = keys(['ArrowDown', 'PageDown', 'ArrowRight', 'Enter']);
    expect([locked.locked, ...at(locked)]).toEqual([true, 10, 1]);
    // Hovering does not move a locked row, so the cell stays in view.
    const hovered = nextSelection(locked, { type: 'hover', row: 3 }, N);
    expect(focusedCell(hovered)).toEqual({ row: 10, col: 1 });
    const moved = keys(['ArrowLeft', 'ArrowDown'], hovered);
    expect([moved.locked, ...at(moved)]).toEqual([true, 11, 0]);
    const unlocked = keys([' '], moved);
    expect([unlocked.locked, ...at(unlocked)]).toEqual([false, 11, 0]);
  });

  it('clears row, column and lock with Escape', () => {
    expect(keys(['ArrowRight', 'ArrowDown', 'Enter', 'Escape'])).toEqual(NO_SELECTION);
  });

  it('starts a cursor at the hovered row', () => {
    const s = keys(['ArrowRight'], nextSelection(NO_SELECTION, { type: 'hover', row: 7 }, N));
    expect(at(s)).toEqual([7, 0]);
    expect(s.hover).toBeNull();
  });

  it('ignores keys it does not own, and claims only its own', () => {
    const s = keys(['ArrowRight']);
    expect(nextSelection(s, { type: 'key', key: 'Tab' }, N)).toBe(s);
    expect(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'PageDown', 'Home', 'End', 'Enter', ' ', 'Escape'].every(isCursorKey)).toBe(true);
    expect(['Tab', 'a', 'Backspace'].some(isCursorKey)).toBe(false);
  });
});

describe('cell cursor with the pointer and resizes', () => {
  it('puts the cursor on the clicked cell and locks its row', () => {
    const s = nextSelection(NO_SELECTION, { type: 'click', row: 5, column: 9 }, N);
    expect([s.locked, focusedCell(s)]).toEqual([true, { row: 5, col: 9 }]);
  });

  it('hides the cell while an unlocked hover shows another row, and shows it again on leave', () => {
    const s = keys(['ArrowDown', 'PageDown']);
    const hovering = nextSelection(s, { type: 'hover', row: 4 }, N);
    expect(focusedCell(hovering)).toBeNull();
    expect(focusedCell(nextSelection(hovering, { type: 'hover', row: 10 }, N))).toEqual({ row: 10, col: 0 });
    expect(focusedCell(nextSelection(hovering, { type: 'leave' }, N))).toEqual({ row: 10, col: 0 });
  });

  it('clamps the column when n shrinks', () => {
    const s = keys([['End', 'ctrl']]);
    expect(focusedCell(nextSelection(s, { type: 'resize', n: 8 }, 8))).toEqual({ row: 7, col: 7 });
  });

  it('has no cell before a column is chosen (the URL restores only the row)', () => {
    expect(focusedCell({ hover: null, picked: 4, locked: true, column: null })).toBeNull();
  });
});

describe('cell value and text', () => {
  const m = { rows: 2, cols: 3, data: new Float32Array([0.5, 0.25, 0.25, 0.1234, 0, 0.8766]) };

  it('reads A_ij row-major and nothing outside the matrix', () => {
    expect(cellValue(m, { row: 1, col: 0 })).toBeCloseTo(0.1234, 6);
    expect(cellValue(m, { row: 0, col: 2 })).toBe(0.25);
    expect(cellValue(m, { row: 2, col: 0 })).toBeNull();
    expect(cellValue(m, { row: 0, col: 3 })).toBeNull();
    expect(cellValue(null, { row: 0, col: 0 })).toBeNull();
    expect(cellValue(m, null)).toBeNull();
  });

  it('says the query, the key and the weight, then the row entropy and the lock', () => {
    const cell = { row: 5, col: 3 };
    expect(cursorText({ row: 5, cell, value: 0.12341, entropy: null, locked: false })).toBe('query 5, key 3: 0.1234');
    expect(cursorText({ row: 5, cell, value: 0.12341, entropy: 2.0794, locked: true })).toBe('query 5, key 3: 0.1234; row entropy 2.079 nats, locked');
    expect(cursorText({ row: 5, cell: null, value: null, entropy: 2.0794, locked: false })).toBe('query 5; row entropy 2.079 nats');
    expect(cursorText({ row: null, cell: null, value: null, entropy: null, locked: false })).toBe('no row selected');
  });
});
