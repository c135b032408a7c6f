// The browser examples of README.md and docs/api.md (the ```ts browser blocks:
// tests/docs/examples.test.ts type-checks them but cannot run them under
// Node) run in chromium: each becomes a page bundled by Vite, served with the
// files the examples name (/midigpt.wasm, /ort/, /model.onnx = the default
// model, /song.mid = the bundled example), and must finish without an error.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelPath } from '@midigpt/default-model';
import { launchChromium, openPage, servePages, WAIT, type TestSite } from './page.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
// Inside the studio package, so that the examples' imports resolve as in a project that depends on the packages.
const pagesDir = path.join(repo, 'packages/studio/build/doc-examples');

/** The ```ts browser blocks of a Markdown file, with their line. */
function browserBlocks(file: string): Array<{ label: string; code: string }> {
  const blocks: Array<{ label: string; code: string }> = [];
  let open: { at: number; lines: string[] } | undefined;
  readFileSync(path.join(repo, file), 'utf8').split('\n').forEach((line, i) => {
    if (!open && /^```ts browser\s*$/.test(line)) open = { at: i + 2, lines: [] };
    else if (open && line.startsWith('```')) blocks.push({ label: `${file}:${open.at}`, code: open.lines.join('\n') }), (open = undefined);
    else open?.lines.push(line);
  });
  return blocks;
}

const blocks = ['README.md', 'docs/api.md'].flatMap(browserBlocks);
const pageName = (i: number) => `example-${i + 1}.html`;

let site: TestSite;
let browser: Browser;

beforeAll(async () => {
  rmSync(pagesDir, { recursive: true, force: true });
  mkdirSync(pagesDir, { recursive: true });
  blocks.forEach((block, i) => {
    // The page records an uncaught error or a rejected promise, and the example's end.
    writeFileSync(path.join(pagesDir, `example-${i + 1}.ts`), `${block.code}\ndocument.body.dataset['done'] = 'true';\nexport {};\n`);
    writeFileSync(
      path.join(pagesDir, pageName(i)),
      `<!doctype html><html><head><meta charset="utf-8"><script>
addEventListener('error', (e) => (document.body.dataset.error = String(e.message)));
addEventListener('unhandledrejection', (e) => (document.body.dataset.error = String(e.reason && e.reason.stack || e.reason)));
</script></head><body><script type="module" src="./example-${i + 1}.ts"></script></body></html>`,
    );
  });
  site = await servePages(
    pagesDir,
    blocks.map((_, i) => pageName(i)),
    { '/model.onnx': readFileSync(defaultModelPath), '/song.mid': readFileSync(path.join(repo, 'examples/pop909-032.mid')) },
  );
  browser = await launchChromium();
}, WAIT);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  rmSync(pagesDir, { recursive: true, force: true });
});

describe('the browser examples of the docs run in chromium', () => {
  it('the docs have browser examples', () => expect(blocks.length).toBeGreaterThanOrEqual(2));

  it.each(blocks.map((b, i) => [b.label, i] as const))('%s', async (_label, i) => {
    const external: string[] = [];
    const page = await openPage(browser, site.server.url, external);
    await page.goto(`${site.server.url}/${pageName(i)}`);
    await page.waitForFunction(() => document.body.dataset['done'] === 'true' || document.body.dataset['error'] !== undefined, null, { timeout: WAIT });
    expect(await page.evaluate(() => document.body.dataset['error'] ?? null)).toBeNull();
    expect(external).toEqual([]);
    await page.context().close();
  });
});
