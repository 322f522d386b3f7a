// Headless system Chromium with WebGPU (SwiftShader) for the e2e tests, plus a console-error collector.
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Chromium with WebGPU on SwiftShader, or (webgpu: false) with WebGPU switched off to exercise the CPU path. */
export function launch(opts: { webgpu?: boolean } = {}): Promise<Browser> {
  const args =
    opts.webgpu === false
      ? [...CHROMIUM_ARGS.filter((a) => !/webgpu|swiftshader|Vulkan/i.test(a)), '--disable-features=WebGPU']
      : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** Collects console errors and uncaught page errors (workers included) as readable lines. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('worker', (worker) => {
    worker.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`worker console.error: ${msg.text()}`);
    });
  });
  return errors;
}

/** Resolves once `count` maps show the answer to their current request (and every request contains `match`). */
export async function waitForMaps(page: Page, count: number, match: string, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    ({ count, match }) => {
      const cards = [...document.querySelectorAll('[data-testid^="card-"]')];
      if (cards.length !== count || !document.querySelector('[data-testid="compute-time"]')) return false;
      const ready = cards.every((c, i) => {
        if (c.getAttribute('data-current') !== 'true') return false;
        const map = c.querySelector(`[data-testid="map-${i}"]`);
        return !map || map.getAttribute('data-ready') === 'true';
      });
      const reqs = [...document.querySelectorAll('[data-testid="request-json"]')].map((el) => el.getAttribute('data-request') ?? '');
      return ready && reqs.length === count && reqs.every((r) => r.includes(match));
    },
    { count, match },
    { timeout: timeoutMs, polling: 200 },
  );
}
