// The studio is built into dist/ with relative URLs, every asset (the example
// MIDI file included) bundled: the page works with no internet.
// `pnpm dev` serves it with hot reload and passes the API to a server started
// with `midigpt serve --http` (MIDIGPT_API, default http://127.0.0.1:8000);
// /studio/score needs `--studio` there. The core's wasm module and the model are
// not bundled either: `midigpt studio --static` lays them beside the page.
import { defaultClientConditions, defineConfig } from 'vite';

const api = process.env['MIDIGPT_API'] ?? 'http://127.0.0.1:8000';

export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, target: 'es2022' },
  // The in-browser backend's worker (src/local/): an ES module worker; onnxruntime-web without
  // its 14 MB .wasm bundled in (a static site gets it beside the page, `midigpt studio --static`).
  worker: { format: 'es' },
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  server: {
    fs: { allow: ['../..'] },
    proxy: {
      // Live mode's WebSocket (first: the longest prefix).
      '/v1/live': { target: api, ws: true },
      ...Object.fromEntries(['/v1', '/info', '/health', '/studio/score', '/studio/config', '/studio/soundfont'].map((route) => [route, api])),
    },
  },
});
