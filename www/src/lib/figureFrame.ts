// Exported figures that stand alone: a frame around a figure's SVG with its title, the setting it shows (workload, seed) and a colour bar or a legend.
import type { IclRequest } from '../engine/iclTypes';
import type { Request } from '../engine/types';
import { legendStops, legendTicks, type ColorScale } from './colorScale';
import { fmtLogTick, fmtTick } from './format';

/** A colour bar (maps) or a list of line keys (charts whose on-screen legend is HTML). */
export type FrameLegend =
  | { kind: 'colorbar'; label: string; stops: { offset: number; color: string }[]; ticks: { t: number; text: string }[] }
  | { kind: 'keys'; keys: { label: string; color: string; dash: string }[] };

/** What a frame says around the figure. */
export type FrameText = { title: string; subtitle?: string; legend?: FrameLegend };

/** The page's colours, so the exported file looks like the screen (light or dark). */
export type FrameColors = { background: string; foreground: string; muted: string };

const PAD = 14;
const TITLE = 16;
const SUB = 12;
const BAR_W = 260;
const BAR_H = 12;
const KEY_ROW = 18;
/** Rough widths per character of 11 px, 12 px and 16 px bold sans-serif text, for wrapping keys and sizing the frame. */
const CHAR_W = 6.4;
const SUB_CHAR_W = 7;
const TITLE_CHAR_W = 9.6;

/** Escapes text for an SVG text node or a double-quoted attribute. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** One line naming the setting a request shows: the workload, its size, seed, mask and RoPE. */
export function requestCaption(r: Request): string {
  const w = r.workload;
  const parts: string[] = [];
  if (w.kind === 'given') parts.push(`workload: given Q, K, V (n = ${w.q.length})`);
  else {
    parts.push(`workload: ${w.kind}`, `n = ${w.n}`, `d_k = ${w.d_k}`);
    if (w.d_v !== undefined && w.d_v !== w.d_k) parts.push(`d_v = ${w.d_v}`);
    parts.push(`seed ${w.seed ?? 0}`);
  }
  if (r.causal) parts.push('causal mask');
  if (w.rope === true) parts.push('RoPE');
  else if (w.rope === false) parts.push('no RoPE');
  return parts.join(' · ');
}

/** The Svelte context key under which a section hands its charts the setting line for their exported files. */
export const FIGURE_SETTING = Symbol('figure-setting');

/**
 * One line naming the setting of an in-context regression figure: the fields its requests share (d, N, σ,
 * tasks, seed), and N as a range when the figure sweeps it. '' without requests.
 */
export function iclSetting(requests: readonly IclRequest[]): string {
  if (requests.length === 0) return '';
  const same = <T>(get: (r: IclRequest) => T | undefined): T | undefined => {
    const first = get(requests[0]!);
    return requests.every((r) => get(r) === first) ? first : undefined;
  };
  const parts: string[] = [];
  const d = same((r) => r.d);
  if (d !== undefined) parts.push(`d = ${d}`);
  const n = same((r) => r.n);
  if (n !== undefined) parts.push(`N = ${n}`);
  else parts.push(`N = ${Math.min(...requests.map((r) => r.n))}…${Math.max(...requests.map((r) => r.n))}`);
  const noise = same((r) => r.noise);
  if (noise !== undefined) parts.push(`σ = ${noise}`);
  const tasks = same((r) => r.tasks);
  if (tasks !== undefined) parts.push(`${tasks} tasks`);
  const seed = same((r) => r.seed);
  if (seed !== undefined) parts.push(`seed ${seed}`);
  return parts.join(' · ');
}

/** The colour bar of a shared map scale, with the same ticks as the on-screen legend. */
export function colorbarLegend(scale: ColorScale, label: string): FrameLegend {
  return {
    kind: 'colorbar',
    label: `${label} · ${scale.log ? 'log' : 'linear'} scale${scale.kind === 'diverging' ? ', diverging, centred on 0' : ''}`,
    stops: legendStops(16, scale.kind),
    ticks: legendTicks(scale, 5).map((t) => ({ t: t.t, text: scale.log ? fmtLogTick(t.value) : fmtTick(t.value) })),
  };
}

/** The keys laid out left to right in rows no wider than `width`: each key's x and row. */
function keyLayout(keys: { label: string }[], width: number): { x: number; row: number }[] {
  let x = 0;
  let row = 0;
  return keys.map((k) => {
    const w = 30 + k.label.length * CHAR_W + 16;
    if (x > 0 && x + w > width) {
      x = 0;
      row++;
    }
    const at = { x, row };
    x += w;
    return at;
  });
}

function legendHeight(legend: FrameLegend | undefined, width: number): number {
  if (!legend) return 0;
  if (legend.kind === 'colorbar') return BAR_H + 44;
  const rows = legend.keys.length === 0 ? 0 : Math.max(...keyLayout(legend.keys, width).map((k) => k.row)) + 1;
  return rows * KEY_ROW + 10;
}

function legendSvg(legend: FrameLegend, width: number, c: FrameColors): string {
  if (legend.kind === 'keys') {
    const at = keyLayout(legend.keys, width);
    return legend.keys
      .map((k, i) => {
        const { x, row } = at[i]!;
        const y = row * KEY_ROW + 8;
        const dash = k.dash ? ` stroke-dasharray="${escapeXml(k.dash)}"` : '';
        return `<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke="${escapeXml(k.color)}" stroke-width="2.5"${dash}/><text x="${x + 30}" y="${y}" dy="0.32em" font-size="11" fill="${c.foreground}">${escapeXml(k.label)}</text>`;
      })
      .join('');
  }
  const stops = legend.stops.map((s) => `<stop offset="${s.offset}" stop-color="${escapeXml(s.color)}"/>`).join('');
  const ticks = legend.ticks
    .map((t) => `<g transform="translate(${(t.t * BAR_W).toFixed(1)},${BAR_H})"><line y2="4" stroke="${c.muted}"/><text y="15" text-anchor="middle" font-size="10" fill="${c.muted}">${escapeXml(t.text)}</text></g>`)
    .join('');
  return (
    `<defs><linearGradient id="frame-colorbar" x1="0" x2="1" y1="0" y2="0">${stops}</linearGradient></defs>` +
    `<rect width="${BAR_W}" height="${BAR_H}" rx="2" fill="url(#frame-colorbar)"/>${ticks}` +
    `<text y="${BAR_H + 32}" font-size="11" fill="${c.foreground}">${escapeXml(legend.label)}</text>`
  );
}

/**
 * A standalone SVG document: the title (bold) and subtitle on top, the figure's own SVG (`inner`, a complete
 * <svg> of innerW × innerH) below them, then the colour bar or the keys. Every piece of text is escaped.
 */
export function framedSvg(inner: string, innerW: number, innerH: number, text: FrameText, c: FrameColors): string {
  const label = text.legend?.kind === 'colorbar' ? text.legend.label.length * CHAR_W : 0;
  const words = Math.max(text.title.length * TITLE_CHAR_W, (text.subtitle?.length ?? 0) * SUB_CHAR_W, label);
  const width = Math.ceil(Math.max(innerW, BAR_W + 40, 320, words) + 2 * PAD);
  const body = width - 2 * PAD;
  const head = PAD + TITLE + (text.subtitle ? SUB + 8 : 0) + 10;
  const legendTop = head + innerH + 8;
  const height = Math.ceil(legendTop + legendHeight(text.legend, body) + PAD);
  const nested = inner.replace(/^<svg\b/, `<svg x="${PAD}" y="${head}"`);
  const sub = text.subtitle ? `<text x="${PAD}" y="${PAD + TITLE + SUB + 4}" font-size="${SUB}" fill="${c.muted}">${escapeXml(text.subtitle)}</text>` : '';
  const legend = text.legend ? `<g transform="translate(${PAD},${legendTop})">${legendSvg(text.legend, body, c)}</g>` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">` +
    `<rect width="100%" height="100%" fill="${c.background}"/>` +
    `<text x="${PAD}" y="${PAD + TITLE - 2}" font-size="${TITLE}" font-weight="700" fill="${c.foreground}">${escapeXml(text.title)}</text>${sub}` +
    `${nested}${legend}</svg>`
  );
}
