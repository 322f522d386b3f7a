// When a map looks blank: the rule that notices most of a map sitting at the dark end of a linear colour scale.
import { scaleT, sharedScale, type ColorScale } from './colorScale';

/** The bottom this fraction of the colour ramp counts as dark (5 % of the way from the low end). */
export const DARK_BOTTOM = 0.05;
/** A map looks blank when at least this share of its entries is dark. */
export const DARK_SHARE = 0.75;

/** How far a value sits from the dark end of a linear scale, 0..1 (diverging: from the white centre). */
function strength(s: ColorScale, v: number): number {
  const t = scaleT({ ...s, log: false }, v);
  return s.kind === 'diverging' ? Math.abs(t - 0.5) * 2 : t;
}

/**
 * The share (0..1) of a map's finite entries in the bottom DARK_BOTTOM of the scale, read as linear;
 * 0 for a map with no finite entry.
 */
export function darkShare(values: ArrayLike<number>, scale: ColorScale): number {
  let finite = 0;
  let dark = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    finite++;
    if (strength(scale, v) < DARK_BOTTOM) dark++;
  }
  return finite === 0 ? 0 : dark / finite;
}

/** What the notice can offer: the log scale, or each map on its own range. */
export type ScaleOffer = 'log' | 'map';

export type ScaleSuggestion = {
  /** The maps that look blank, with the share of their entries in the dark bottom of their scale. */
  maps: { label: string; share: number }[];
  /** log: always (the suggestion only appears on the linear scale); map: when a map's own range would light it up. */
  offers: ScaleOffer[];
};

/**
 * Suggests another colour scale when, on the linear scale, at least one map has DARK_SHARE or more of its
 * entries in the bottom DARK_BOTTOM of the ramp (of the shared scale, or with perMap of its own); null on
 * the log scale or when every map uses its colours. The per-map range is offered when the scale is shared
 * and at least one of the dark maps would no longer be dark on its own range.
 */
export function suggestScale(
  maps: readonly { label: string; data: ArrayLike<number> | null | undefined }[],
  scale: ColorScale,
  perMap = false,
): ScaleSuggestion | null {
  if (scale.log) return null;
  const own = (data: ArrayLike<number>) => sharedScale([data], false);
  const dark = maps
    .filter((m): m is { label: string; data: ArrayLike<number> } => !!m.data && m.data.length > 0)
    .map((m) => ({ label: m.label, data: m.data, share: darkShare(m.data, perMap ? own(m.data) : scale) }))
    .filter((m) => m.share >= DARK_SHARE);
  if (dark.length === 0) return null;
  const mapHelps = !perMap && dark.some((m) => darkShare(m.data, own(m.data)) < DARK_SHARE);
  return { maps: dark.map(({ label, share }) => ({ label, share })), offers: mapHelps ? ['log', 'map'] : ['log'] };
}
