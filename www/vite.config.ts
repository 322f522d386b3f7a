// Vite build for the static site: relative base, ES-module worker, wasm package alias, CSP in the built page.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** The Content-Security-Policy of the built site (dev keeps Vite's inline HMR client working). */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
].join('; ');

function cspMeta(): Plugin {
  const tag = `<meta http-equiv="Content-Security-Policy" content="${CSP}" />`;
  return {
    name: 'attnscope-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      // Right after <meta charset>, before any script or stylesheet the policy governs.
      handler: (html) => {
        const charset = /<meta charset="utf-8"\s*\/?>/i;
        if (!charset.test(html)) throw new Error('attnscope-csp: index.html lacks <meta charset="utf-8">');
        return html.replace(charset, (m) => `${m}\n    ${tag}`);
      },
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [svelte(), cspMeta()],
  resolve: {
    alias: {
      // wasm-pack --target web output (built by the Rust side into www/pkg).
      'attnscope-wasm': fileURLToPath(new URL('./pkg/attnscope.js', import.meta.url)),
    },
  },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
