// The highlighted query row shared by all maps: hover, keyboard moves, click-to-lock.

export type RowSelection = {
  /** Row under the pointer, if any. */
  hover: number | null;
  /** Row chosen with the keyboard or locked by a click. */
  picked: number | null;
  /** While locked, hovering does not move the highlight. */
  locked: boolean;
};

export type RowEvent =
  | { type: 'hover'; row: number }
  | { type: 'leave' }
  | { type: 'click'; row: number }
  | { type: 'key'; key: string }
  | { type: 'resize'; n: number };

export const NO_SELECTION: RowSelection = { hover: null, picked: null, locked: false };

/** The row every map outlines, or null. */
export function highlightedRow(s: RowSelection): number | null {
  if (s.locked) return s.picked;
  return s.hover ?? s.picked;
}

function clamp(row: number, n: number): number {
  return Math.max(0, Math.min(n - 1, row));
}

/** Next selection after an event, for a map with n rows. Returns the same object when nothing changes. */
export function nextSelection(s: RowSelection, ev: RowEvent, n: number): RowSelection {
  if (n < 1) return s.hover === null && s.picked === null && !s.locked ? s : NO_SELECTION;
  switch (ev.type) {
    case 'hover':
      return s.hover === ev.row ? s : { ...s, hover: clamp(ev.row, n) };
    case 'leave':
      return s.hover === null ? s : { ...s, hover: null };
    case 'click': {
      const row = clamp(ev.row, n);
      // Clicking the locked row again unlocks; clicking another row moves the lock there.
      if (s.locked && s.picked === row) return { hover: row, picked: row, locked: false };
      return { hover: row, picked: row, locked: true };
    }
    case 'resize':
      return {
        hover: s.hover === null ? null : clamp(s.hover, ev.n),
        picked: s.picked === null ? null : clamp(s.picked, ev.n),
        locked: s.locked,
      };
    case 'key': {
      const current = highlightedRow(s);
      const step: Record<string, number> = { ArrowUp: -1, ArrowDown: 1, PageUp: -10, PageDown: 10 };
      if (ev.key in step) {
        const row = current === null ? (step[ev.key]! > 0 ? 0 : n - 1) : clamp(current + step[ev.key]!, n);
        return { hover: null, picked: row, locked: s.locked };
      }
      if (ev.key === 'Home') return { hover: null, picked: 0, locked: s.locked };
      if (ev.key === 'End') return { hover: null, picked: n - 1, locked: s.locked };
      if (ev.key === 'Enter' || ev.key === ' ') {
        return current === null ? s : { hover: null, picked: current, locked: !s.locked };
      }
      if (ev.key === 'Escape') return NO_SELECTION;
      return s;
    }
  }
}

/** Keys the maps handle (their default scrolling is prevented). */
export function isRowKey(key: string): boolean {
  return ['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', 'Enter', ' ', 'Escape'].includes(key);
}
