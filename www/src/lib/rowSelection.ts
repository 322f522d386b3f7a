// The selection all maps share: the highlighted query row (hover, keys, click-to-lock) and the cell cursor's key column.

export type RowSelection = {
  /** Row under the pointer, if any. */
  hover: number | null;
  /** Row chosen with the keyboard or locked by a click. */
  picked: number | null;
  /** While locked, hovering does not move the highlight. */
  locked: boolean;
  /** Key column of the cell cursor (set by ←/→, Home/End, a click), or null before one is chosen. */
  column: number | null;
};

export type RowEvent =
  | { type: 'hover'; row: number }
  | { type: 'leave' }
  | { type: 'click'; row: number; column?: number }
  /** ctrl: Ctrl (or ⌘) held, which sends Home/End to the first/last cell of the map. */
  | { type: 'key'; key: string; ctrl?: boolean }
  | { type: 'resize'; n: number };

export const NO_SELECTION: RowSelection = { hover: null, picked: null, locked: false, column: null };

/** Rows moved by ↑/↓ and by PageUp/PageDown. */
const ROW_STEPS: Record<string, number> = { ArrowUp: -1, ArrowDown: 1, PageUp: -10, PageDown: 10 };
/** Columns moved by ←/→. */
const COLUMN_STEPS: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1 };

/** The row every map outlines, or null. */
export function highlightedRow(s: RowSelection): number | null {
  if (s.locked) return s.picked;
  return s.hover ?? s.picked;
}

function clamp(index: number, n: number): number {
  return Math.max(0, Math.min(n - 1, index));
}

/** The index after a step from `current`; with no current index a forward step starts at 0, a backward one at n-1. */
function stepFrom(current: number | null, step: number, n: number): number {
  if (current === null) return step > 0 ? 0 : n - 1;
  return clamp(current + step, n);
}

/**
 * Next selection after an event, for maps of n × n cells (n queries, n keys). Returns the same object
 * when nothing changes.
 */
export function nextSelection(s: RowSelection, ev: RowEvent, n: number): RowSelection {
  if (n < 1) return s.hover === null && s.picked === null && !s.locked && s.column === null ? s : NO_SELECTION;
  switch (ev.type) {
    case 'hover':
      return s.hover === ev.row ? s : { ...s, hover: clamp(ev.row, n) };
    case 'leave':
      return s.hover === null ? s : { ...s, hover: null };
    case 'click': {
      const row = clamp(ev.row, n);
      const column = ev.column === undefined ? s.column : clamp(ev.column, n);
      // Clicking the locked row again unlocks; clicking another row moves the lock there.
      if (s.locked && s.picked === row) return { hover: row, picked: row, locked: false, column };
      return { hover: row, picked: row, locked: true, column };
    }
    case 'resize':
      return {
        hover: s.hover === null ? null : clamp(s.hover, ev.n),
        picked: s.picked === null ? null : clamp(s.picked, ev.n),
        locked: s.locked,
        column: s.column === null ? null : clamp(s.column, ev.n),
      };
    case 'key':
      return keySelection(s, ev.key, ev.ctrl === true, n);
  }
}

/**
 * The cell cursor's keys (the ARIA grid pattern): ↑/↓ and PageUp/PageDown (10 rows) move the query row,
 * ←/→ the key column, Home/End go to the row's first/last key, Ctrl+Home/Ctrl+End to the first/last cell.
 * Enter or Space toggles the row lock; Escape clears everything. A move with no cursor yet starts one.
 */
function keySelection(s: RowSelection, key: string, ctrl: boolean, n: number): RowSelection {
  const current = highlightedRow(s);
  const cell = (row: number, column: number): RowSelection => ({ hover: null, picked: row, locked: s.locked, column });
  if (key in ROW_STEPS) return cell(stepFrom(current, ROW_STEPS[key]!, n), s.column ?? 0);
  if (key in COLUMN_STEPS) return cell(current ?? 0, stepFrom(s.column, COLUMN_STEPS[key]!, n));
  if (key === 'Home') return ctrl ? cell(0, 0) : cell(current ?? 0, 0);
  if (key === 'End') return ctrl ? cell(n - 1, n - 1) : cell(current ?? 0, n - 1);
  if (key === 'Enter' || key === ' ') {
    return current === null ? s : { hover: null, picked: current, locked: !s.locked, column: s.column };
  }
  if (key === 'Escape') return NO_SELECTION;
  return s;
}

/** Keys the maps handle (their default scrolling is prevented). */
export function isCursorKey(key: string): boolean {
  return key in ROW_STEPS || key in COLUMN_STEPS || ['Home', 'End', 'Enter', ' ', 'Escape'].includes(key);
}
