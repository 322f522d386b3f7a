// Figure export in the browser: standalone SVG (computed styles inlined, maps embed their pixels) and PNG.

const STYLE_PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight', 'text-anchor', 'dominant-baseline'];

/** Triggers a download of a blob under a file name. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function inlineStyles(source: Element, target: Element): void {
  const cs = getComputedStyle(source);
  const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
  (target as SVGElement).setAttribute('style', style);
  const s = source.children;
  const t = target.children;
  for (let i = 0; i < s.length && i < t.length; i++) inlineStyles(s[i]!, t[i]!);
}

/** The size an exported SVG gets: its viewBox (the size a chart is designed at, whatever the screen), else its own size. */
function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const vb = svg.viewBox.baseVal;
  if (vb && vb.width > 0 && vb.height > 0) return { width: vb.width, height: vb.height };
  return { width: svg.width.baseVal.value || svg.getBoundingClientRect().width, height: svg.height.baseVal.value || svg.getBoundingClientRect().height };
}

/**
 * A standalone SVG document for an on-screen <svg>: computed colours and fonts inlined, a background,
 * and optionally a map's canvas embedded as a pixelated <image> at (x, y, size).
 */
export function standaloneSvg(svg: SVGSVGElement, opts: { canvas?: HTMLCanvasElement; x?: number; y?: number; w?: number; h?: number } = {}): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
  const { width, height } = svgSize(svg);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.removeAttribute('aria-hidden');
  clone.style.marginLeft = '';
  const ns = 'http://www.w3.org/2000/svg';
  const bg = document.createElementNS(ns, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  // The page colour lives on :root (--bg); <body> itself is transparent.
  bg.setAttribute('fill', getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  if (opts.canvas) {
    const img = document.createElementNS(ns, 'image');
    img.setAttribute('href', opts.canvas.toDataURL('image/png'));
    img.setAttribute('x', String(opts.x ?? 0));
    img.setAttribute('y', String(opts.y ?? 0));
    img.setAttribute('width', String(opts.w ?? width));
    img.setAttribute('height', String(opts.h ?? height));
    img.setAttribute('preserveAspectRatio', 'none');
    img.setAttribute('style', 'image-rendering:pixelated;image-rendering:crisp-edges');
    bg.after(img);
  }
  return new XMLSerializer().serializeToString(clone);
}

/** Rasterises an SVG document string to a PNG blob at `scale`× its size. */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('export: the SVG could not be rasterised'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(img.width * scale));
    canvas.height = Math.max(1, Math.round(img.height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('export: no 2D canvas');
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('export: PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The figure SVG of a chart or map container (a map: its overlay plus the canvas pixels). */
export function figureSvg(container: HTMLElement): string {
  return figureParts(container).svg;
}

/** The figure SVG of a chart or map container with its size in CSS px (what framedSvg places under a title). */
export function figureParts(container: HTMLElement): { svg: string; width: number; height: number } {
  const svg = container.querySelector('svg');
  if (!svg) throw new Error('export: nothing to export');
  const { width, height } = svgSize(svg);
  const canvas = container.querySelector('canvas');
  const plot = container.querySelector<HTMLElement>('.plot');
  if (canvas && plot) {
    const svgBox = svg.getBoundingClientRect();
    const p = plot.getBoundingClientRect();
    return { svg: standaloneSvg(svg, { canvas, x: p.left - svgBox.left, y: p.top - svgBox.top, w: p.width, h: p.height }), width, height };
  }
  return { svg: standaloneSvg(svg), width, height };
}

/** The page's current background, text and muted colours (light or dark theme), for exported frames. */
export function pageColors(): { background: string; foreground: string; muted: string } {
  const root = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => root.getPropertyValue(name).trim() || fallback;
  return { background: read('--bg', '#ffffff'), foreground: read('--fg', '#1d1f23'), muted: read('--muted', '#5b6068') };
}
