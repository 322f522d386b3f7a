// The cell cursor as the maps show it: which cell is focused, its weight A_ij, and the words a screen reader hears.
import type { MatrixF32 } from '../engine/types';
import { fmt3, fmtWeight } from './format';
import { highlightedRow, type RowSelection } from './rowSelection';

/** One entry of an attention map: query row i, key column j. */
export type Cell = { row: number; col: number };

/**
 * The focused cell: the picked row at the cursor's key column. Hidden while hovering another row
 * (the row highlight then follows the pointer) and before a key column is chosen.
 */
export function focusedCell(s: RowSelection): Cell | null {
  if (s.picked === null || s.column === null || highlightedRow(s) !== s.picked) return null;
  return { row: s.picked, col: s.column };
}

/** A_ij of a cell, or null without a matrix or outside it. */
export function cellValue(m: MatrixF32 | null, cell: Cell | null): number | null {
  if (!m || !cell || cell.row < 0 || cell.col < 0 || cell.row >= m.rows || cell.col >= m.cols) return null;
  return m.data[cell.row * m.cols + cell.col] ?? null;
}

export type CursorState = {
  /** The highlighted query row, or null. */
  row: number | null;
  cell: Cell | null;
  value: number | null;
  /** The highlighted row's entropy in nats, when the response has statistics. */
  entropy: number | null;
  locked: boolean;
};

/** What the focused map says (aria-valuetext): "query 5, key 3: 0.1234; row entropy 2.079 nats, locked". */
export function cursorText(c: CursorState): string {
  if (c.row === null) return 'no row selected';
  const where = c.cell && c.cell.row === c.row ? `query ${c.row}, key ${c.cell.col}: ${fmtWeight(c.value)}` : `query ${c.row}`;
  const entropy = c.entropy === null ? '' : `; row entropy ${fmt3(c.entropy)} nats`;
  return `${where}${entropy}${c.locked ? ', locked' : ''}`;
}
