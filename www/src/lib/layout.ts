// Page layout numbers: the phone breakpoint and, per map size, the grid's column width and the largest map drawn.
import type { MapSize } from '../state/view';

/** Screens at most this wide are phones: one map per row, settings folded (keep in sync with App.svelte's @media). */
export const PHONE_MAX_PX = 640;

const COLUMN_MIN: Record<MapSize, number> = { small: 200, medium: 270, large: 420 };
const MAP_MAX: Record<MapSize, number> = { small: 300, medium: 460, large: 720 };

/** The narrowest a map card may get before the grid drops a column (CSS px). */
export function mapColumnMin(size: MapSize): number {
  return COLUMN_MIN[size];
}

/** The largest side of a map's plot area (CSS px); a card narrower than that draws a smaller map. */
export function mapMaxSize(size: MapSize): number {
  return MAP_MAX[size];
}
