// Fits every screen: at phone, laptop and desktop sizes, on every tab, nothing scrolls sideways and no card spills; screenshots for a human look.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForMaps } from './browser';
import { attrOf, RESULTS, useSite } from './site';

/** The sizes the issue names: a phone, two laptops, a desktop. */
const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
] as const;
const TABS = ['compare', 'catalog', 'icl'] as const;
/** WebGPU on SwiftShader with 2 cores is slow: allow the first computation this long. */
const DRAW_MS = 150_000;
const SHOTS = resolve(RESULTS, 'screenshots');

let page: Page;
let errors: string[] = [];
// The page opens at phone size, so the settings start folded as on a real phone.
useSite({ page: { viewport: SIZES[0], acceptDownloads: true } }, (site) => ({ page, errors } = site));

type Overflow = { document: { scrollWidth: number; clientWidth: number }; cards: { id: string; scrollWidth: number; clientWidth: number; spills: string[] }[] };

/** The document's and every card's widths, and the elements that reach outside their card (ignoring scroll boxes inside it). */
function measure(p: Page): Promise<Overflow> {
  return p.evaluate(() => {
    const root = document.documentElement;
    const cardSel = '[data-testid^="card-"], [data-testid^="catalog-"], .chart, .card';
    const cards = [...document.querySelectorAll<HTMLElement>(cardSel)].filter((c) => c.getClientRects().length > 0);
    return {
      document: { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth },
      cards: cards.map((card, i) => {
        const box = card.getBoundingClientRect();
        const spills: string[] = [];
        for (const el of card.querySelectorAll<HTMLElement>('*')) {
          if (el.getClientRects().length === 0) continue;
          // The folded content of a closed <details> is not on screen.
          const folded = el.closest('details:not([open])');
          if (folded && !el.closest('summary')) continue;
          // Content of a scroll box (a wide table in its own overflow:auto box) is meant to be wider.
          let scrolled = false;
          for (let a = el.parentElement; a && a !== card; a = a.parentElement) {
            const o = getComputedStyle(a).overflowX;
            if (o === 'auto' || o === 'scroll' || o === 'hidden') scrolled = true;
          }
          if (scrolled) continue;
          const r = el.getBoundingClientRect();
          if (r.right > box.right + 1 || r.left < box.left - 1) spills.push(`${el.tagName.toLowerCase()}.${el.className}: ${Math.round(r.left)}..${Math.round(r.right)} outside ${Math.round(box.left)}..${Math.round(box.right)}`);
        }
        return { id: card.dataset.testid ?? `${card.className}#${i}`, scrollWidth: card.scrollWidth, clientWidth: card.clientWidth, spills: spills.slice(0, 5) };
      }),
    };
  });
}

async function expectFits(label: string): Promise<void> {
  const m = await measure(page);
  expect(m.document.scrollWidth, `${label}: the page scrolls sideways`).toBeLessThanOrEqual(m.document.clientWidth);
  for (const c of m.cards) {
    expect(c.scrollWidth, `${label}: card ${c.id} overflows`).toBeLessThanOrEqual(c.clientWidth);
    expect(c.spills, `${label}: card ${c.id} has content outside its border`).toEqual([]);
  }
}

async function openTab(tab: (typeof TABS)[number]): Promise<void> {
  await page.click(`[data-testid="tab-${tab}"]`);
  if (tab === 'catalog') await page.waitForSelector('[data-testid="formula-softmax"] .katex');
  if (tab === 'icl') await page.waitForSelector('[data-testid="icl"] figure', { timeout: DRAW_MS });
}

describe('layout at every size', () => {
  it('on a phone: one map per row, the settings and the preset list folded, the caption still shown', async () => {
    mkdirSync(SHOTS, { recursive: true });
    await waitForMaps(page, 4, '"n":128', DRAW_MS);
    expect(await page.$eval('[data-testid="controls"]', (d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await page.$eval('[data-testid="presets"]', (d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await attrOf(page, '[data-testid="preset-caption"]', 'data-preset')).toBe('start');
    const lefts = await page.$$eval('[data-testid^="card-"]', (cs) => cs.map((c) => Math.round(c.getBoundingClientRect().left)));
    expect(new Set(lefts).size).toBe(1);
    // Exporting the row profile before any row is chosen says why there is nothing to export.
    await page.click('[data-testid="export-profile-chart-svg"]');
    expect(await page.textContent('[data-testid="export-profile-chart-message"]')).toMatch(/^Nothing to export yet: Hover or focus a query row/);
    await page.click('[data-testid="controls"] > summary');
    expect(await page.$eval('[data-testid="controls"]', (d) => (d as HTMLDetailsElement).open)).toBe(true);
    await expectFits('390 px, settings open');
  });

  for (const tab of TABS) {
    it(`the ${tab} tab fits 390, 1280, 1440 and 1920 px without sideways scrolling`, async () => {
      await openTab(tab);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.waitForTimeout(300); // one frame for the maps to resize
        await page.screenshot({ path: resolve(SHOTS, `${tab}-${size.width}x${size.height}.png`), fullPage: true });
        await expectFits(`${tab} at ${size.width} px`);
      }
      await page.setViewportSize(SIZES[0]);
    });
  }

  it('the map size control changes the number of columns and goes into the URL', async () => {
    await openTab('compare');
    await page.setViewportSize({ width: 1920, height: 1080 });
    const columns = () => page.$eval('[data-testid="grid"]', (g) => getComputedStyle(g).gridTemplateColumns.split(' ').length);
    await page.click('[data-testid="size-small"]');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('size=small');
    const small = await columns();
    await page.click('[data-testid="size-large"]');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('size=large');
    const large = await columns();
    expect(small).toBeGreaterThan(large);
    await page.waitForTimeout(300);
    await expectFits('1920 px, large maps');
    await page.screenshot({ path: resolve(SHOTS, 'compare-large-maps-1920x1080.png'), fullPage: true });
    await page.click('[data-testid="size-medium"]');
  });

  it('presentation mode enlarges the type, persists in the URL and still fits a phone and a projector', async () => {
    const base = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    await page.click('[data-testid="present-toggle"]');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('present=1');
    expect(await page.evaluate(() => document.documentElement.classList.contains('present'))).toBe(true);
    expect(await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))).toBeGreaterThan(base);
    for (const size of [SIZES[0], SIZES[2]]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(300);
      await expectFits(`presentation at ${size.width} px`);
      await page.screenshot({ path: resolve(SHOTS, `compare-presentation-${size.width}x${size.height}.png`), fullPage: true });
    }
    await page.click('[data-testid="present-toggle"]');
    expect(await page.evaluate(() => document.documentElement.classList.contains('present'))).toBe(false);
  });

  it('one colour range per map: every card draws its own colour bar, and the page still fits a phone', async () => {
    await page.setViewportSize(SIZES[0]);
    await page.click('[data-testid="range-map"]');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('range=map');
    await expect.poll(() => page.$$eval('[data-testid="grid"] [data-testid^="legend-"]', (ls) => ls.length)).toBe(4);
    expect(await page.$('[data-testid="legend-per-map"]')).not.toBeNull();
    await expectFits('390 px, one range per map');
    await page.click('[data-testid="range-shared"]');
  });

  it('logs no console or page errors', () => {
    expect(errors).toEqual([]);
  });
});
