// What the in-browser tests share: the test page (harness/) bundled by Vite as
// an application would bundle @midigpt/core and @midigpt/inference, served
// with the WebAssembly files beside it, in Debian's chromium.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { serveFolder, type StaticServer } from '../../../../tests/support/static-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../../..');
export const CHROMIUM = process.env['MIDIGPT_CHROMIUM'] ?? '/usr/bin/chromium';
export const WAIT = 180_000;

/** The core's WebAssembly module; throws with how to build it. */
export function coreWasm(): string {
  const file = process.env['MIDIGPT_WASM'] ?? path.join(repo, 'packages/core/wasm/dist/midigpt.wasm');
  if (!existsSync(file)) throw new Error(`no WebAssembly core at ${file}: build it with \`pnpm --filter @midigpt/core build:wasm\` (needs Emscripten)`);
  return file;
}

/** onnxruntime-web's runtime files, as @midigpt/inference depends on them. */
export function ortFiles(): string[] {
  const require = createRequire(path.join(repo, 'packages/inference/package.json'));
  return ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'].map((f) => require.resolve(`onnxruntime-web/${f}`));
}

export interface TestSite {
  server: StaticServer;
  close(): Promise<void>;
}

/** Builds the harness page and serves it with `/midigpt.wasm`, `/ort/*` and the given extra files. */
export function serveHarness(files: Record<string, Uint8Array> = {}, options: { isolated?: boolean } = {}): Promise<TestSite> {
  return servePages(path.join(here, 'harness'), ['index.html'], files, options);
}

/**
 * Builds the pages of `root` (HTML files whose scripts import the packages' browser entries) with
 * Vite, as an application bundles them, and serves them with `/midigpt.wasm`, `/ort/*` and `files`.
 */
export async function servePages(root: string, pages: string[], files: Record<string, Uint8Array> = {}, options: { isolated?: boolean } = {}): Promise<TestSite> {
  const out = mkdtempSync(path.join(tmpdir(), 'midigpt-pages-'));
  await build({
    root,
    base: './',
    logLevel: 'warn',
    configFile: false,
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
    build: {
      outDir: out,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: Object.fromEntries(pages.map((page) => [path.basename(page, '.html'), path.join(root, page)])) },
    },
  });
  copyFileSync(coreWasm(), path.join(out, 'midigpt.wasm'));
  const ort = path.join(out, 'ort');
  mkdirSync(ort);
  for (const file of ortFiles()) copyFileSync(file, path.join(ort, path.basename(file)));
  const server = await serveFolder(out, { files, ...(options.isolated ? { isolated: true } : {}) });
  return {
    server,
    close: async () => {
      await server.close();
      rmSync(out, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium is needed at ${CHROMIUM}: apt-get install chromium (or set MIDIGPT_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** A page of `url` that may reach that server only (everything else is refused and recorded in `external`). */
export async function openPage(browser: Browser, url: string, external: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 540 } });
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith(`${url}/`)) return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  return page;
}
