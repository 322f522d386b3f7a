// Exported figure frames: title, setting and colour bar or keys around the figure, every text escaped.
import { describe, expect, it } from 'vitest';
import { sharedScale } from '../../src/lib/colorScale';
import { colorbarLegend, escapeXml, framedSvg, iclSetting, requestCaption } from '../../src/lib/figureFrame';

const COLORS = { background: '#fff', foreground: '#111', muted: '#666' };
const INNER = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="10" height="10"/></svg>';

describe('requestCaption', () => {
  it('names the workload, its size, the seed, the mask and RoPE', () => {
    expect(requestCaption({ variant: { name: 'softmax' }, workload: { kind: 'gaussian', n: 64, d_k: 16, seed: 1 } })).toBe('workload: gaussian · n = 64 · d_k = 16 · seed 1');
    expect(requestCaption({ variant: { name: 'x' }, causal: true, workload: { kind: 'local', n: 128, d_k: 16, d_v: 8, seed: 7, rope: true } })).toBe(
      'workload: local · n = 128 · d_k = 16 · d_v = 8 · seed 7 · causal mask · RoPE',
    );
    expect(requestCaption({ variant: { name: 'x' }, workload: { kind: 'given', q: [[1], [2]], k: [[1], [2]], v: [[1], [2]] } })).toBe('workload: given Q, K, V (n = 2)');
  });
});

describe('iclSetting', () => {
  it('names the fields an ICL figure’s requests share, and the range of N it sweeps', () => {
    const r = (n: number) => ({ d: 20, n, noise: 0, tasks: 2000, seed: 3, learners: [] });
    expect(iclSetting([r(1), r(20), r(40)])).toBe('d = 20 · N = 1…40 · σ = 0 · 2000 tasks · seed 3');
    expect(iclSetting([r(10)])).toBe('d = 20 · N = 10 · σ = 0 · 2000 tasks · seed 3');
    expect(iclSetting([{ d: 2, n: 10, learners: [] }])).toBe('d = 2 · N = 10');
    expect(iclSetting([{ ...r(5), seed: 1 }, { ...r(5), seed: 2 }])).toBe('d = 20 · N = 5 · σ = 0 · 2000 tasks');
    expect(iclSetting([])).toBe('');
  });
});

describe('colorbarLegend', () => {
  it('carries the ramp, the legend ticks as text and which scale it is', () => {
    const lin = colorbarLegend(sharedScale([new Float32Array([0, 0.5])], false), 'A_ij');
    expect(lin.kind).toBe('colorbar');
    if (lin.kind !== 'colorbar') return;
    expect(lin.label).toBe('A_ij · linear scale');
    expect(lin.stops).toHaveLength(16);
    expect(lin.ticks.map((t) => t.text)).toEqual(['0', '0.1', '0.2', '0.3', '0.4', '0.5']);
    expect(lin.ticks[5]!.t).toBe(1);
    const log = colorbarLegend(sharedScale([new Float32Array([1e-6, 1])], true), 'A_ij');
    if (log.kind !== 'colorbar') return;
    expect(log.label).toBe('A_ij · log scale');
    // A log scale reaches 4 decades below the top (LOG_DECADES), labelled as on screen.
    expect(log.ticks.map((t) => t.text)).toEqual(['1e−4', '1e−3', '0.01', '0.1', '1']);
  });
});

describe('framedSvg', () => {
  it('puts the title and setting above the figure and the colour bar below it', () => {
    const legend = colorbarLegend(sharedScale([new Float32Array([0, 1])], false), 'attention weight');
    const svg = framedSvg(INNER, 300, 200, { title: 'Performer (FAVOR+) — performer', subtitle: 'workload: gaussian · seed 1', legend }, COLORS);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="348" height="\d+"/);
    expect(svg).toContain('font-weight="700" fill="#111">Performer (FAVOR+) — performer</text>');
    expect(svg).toContain('>workload: gaussian · seed 1</text>');
    expect(svg).toContain('<svg x="14" y="60" xmlns="http://www.w3.org/2000/svg" width="300" height="200">');
    expect(svg).toContain('<linearGradient id="frame-colorbar"');
    expect(svg).toContain('>attention weight · linear scale</text>');
    // padding 14 + title 16 + subtitle 12 + 8 + 10: the figure at y = 60, 200 high, the bar 8 below it, the frame 348 wide
    expect(svg).toContain('<g transform="translate(14,268)"><defs>');
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    expect(height).toBe(268 + 12 + 44 + 14);
  });

  it('lists line keys, wrapping them into rows, and escapes every label', () => {
    const keys = ['softmax', 'linear_elu', 'performer (features 8)', 'based'].map((label, i) => ({ label, color: `#00000${i}`, dash: i === 3 ? '5 3' : '' }));
    const svg = framedSvg(INNER, 300, 200, { title: 'Row profile: query i = 10', legend: { kind: 'keys', keys: [...keys, { label: '<b>&', color: 'red', dash: '' }] } }, COLORS);
    expect(svg).toContain('>Row profile: query i = 10</text>');
    for (const k of keys) expect(svg).toContain(`>${k.label}</text>`);
    expect(svg).toContain('stroke-dasharray="5 3"');
    expect(svg).toContain('>&lt;b&gt;&amp;</text>');
    expect(svg).not.toContain('<b>');
    const rows = new Set([...svg.matchAll(/<line x1="\d+(?:\.\d+)?" x2="[\d.]+" y1="(\d+)"/g)].map((m) => m[1]));
    expect(rows.size).toBeGreaterThan(1);
  });

  it('widens the frame so a long title, setting or colour-bar label is not cut off', () => {
    const title = 'Linear attention with a very long descriptive name — linear_elu (eps 0.001)';
    const svg = framedSvg(INNER, 300, 200, { title }, COLORS);
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    expect(width).toBe(Math.ceil(title.length * 9.6 + 28));
    expect(width).toBeGreaterThan(348);
  });

  it('escapes XML metacharacters', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});
