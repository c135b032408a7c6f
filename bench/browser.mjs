// midigpt in the browser (issue #19) against Node, same machine, same sitting:
// the default model's 4-bar infill (bars 13-16 of the melody of
// examples/pop909-032.mid, seeds 1-5, as bench/musician-wait.mjs) in chromium
// on onnxruntime-web (1 thread; 2 threads when the page is cross-origin
// isolated) and in Node on onnxruntime-node; the tokenizer (wasm core in
// chromium vs the native addon); the static studio's load and infill times.
// Medians; run it on a quiet machine: node bench/browser.mjs (MODEL=file.onnx:
// another model for the engine rows, e.g. the default model's fp32 conversion)
// Needs: the wasm core (pnpm --filter @midigpt/core build:wasm), the studio
// built, chromium (apt-get install chromium).
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Score, Tokenizer } from '@midigpt/core';
import { InferenceEngine } from '@midigpt/inference';
import { defaultModelPath as embeddedModel } from '@midigpt/default-model';

const repo = path.resolve(import.meta.dirname, '..');
const defaultModelPath = process.env.MODEL ?? embeddedModel;
const studioRequire = createRequire(path.join(repo, 'packages/studio/package.json'));
const { chromium } = studioRequire('playwright-core');
const { build, defaultClientConditions } = await import(studioRequire.resolve('vite'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
const example = path.join(repo, 'examples/pop909-032.mid');
const BARS = [12, 13, 14, 15];
const SEEDS = [1, 2, 3, 4, 5];
const coreWasm = path.join(repo, 'packages/core/wasm/dist/midigpt.wasm');
if (!existsSync(coreWasm)) throw new Error('build the wasm core first: pnpm --filter @midigpt/core build:wasm');
const work = mkdtempSync(path.join(os.tmpdir(), 'midigpt-browser-bench-'));

// The test page of packages/studio/test/browser, bundled, with the wasm files beside it.
const page = path.join(work, 'page');
await build({
  root: path.join(repo, 'packages/studio/test/browser/harness'),
  base: './',
  logLevel: 'warn',
  configFile: false,
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  build: { outDir: page, emptyOutDir: true, target: 'es2022' },
});
copyFileSync(coreWasm, path.join(page, 'midigpt.wasm'));
mkdirSync(path.join(page, 'ort'));
const inferenceRequire = createRequire(path.join(repo, 'packages/inference/package.json'));
for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs']) copyFileSync(inferenceRequire.resolve(`onnxruntime-web/${f}`), path.join(page, 'ort', f));
copyFileSync(defaultModelPath, path.join(page, 'model.onnx'));
copyFileSync(example, path.join(page, 'example.mid'));

// The static studio, as `midigpt studio --static` writes it.
const site = path.join(work, 'site');
const written = spawnSync(process.execPath, [path.join(repo, 'packages/cli/bin/midigpt.js'), 'studio', '--static', site], { encoding: 'utf8' });
if (written.status !== 0) throw new Error(written.stderr);

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
function serve(root, isolated) {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const file = path.join(root, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return response.writeHead(404).end();
    const headers = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' };
    if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    response.writeHead(200, headers);
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

const browser = await chromium.launch({ executablePath: process.env.MIDIGPT_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const rows = [];

async function inPage(isolated) {
  const server = await serve(page, isolated);
  const tab = await browser.newPage();
  await tab.goto(`${server.url}/`);
  await tab.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  const result = await tab.evaluate(
    async ({ bars, seeds }) => {
      const { core, inference } = window.midigpt;
      const loadStart = performance.now();
      const engine = await inference.loadModel('model.onnx', { cache: false, core: 'midigpt.wasm', ortWasmPaths: 'ort/' });
      const load = performance.now() - loadStart;
      const score = core.Score.fromMidi(new Uint8Array(await (await fetch('example.mid')).arrayBuffer()));
      const runs = [];
      for (const seed of [0, ...seeds]) {
        let first = null;
        const start = performance.now();
        const logger = { token: (_p, _id, name) => (first ??= name.startsWith('NoteOnset') ? performance.now() - start : null), stepSummary: () => {} };
        const r = await engine.generate(score, { tracks: [{ id: 0, bars }], config: { seed } }, { logger });
        if (seed > 0) runs.push({ wall: performance.now() - start, first, tokens: r.steps.reduce((n, s) => n + s.generated.length, 0) });
      }
      // The tokenizer: every 4-bar window of the example, encoded 20 times.
      const tokenizer = core.Tokenizer.load('yellow');
      const windows = [];
      for (let b = 0; b + 4 <= score.summary().bars; b += 4) windows.push(score.window(b, 4));
      const t0 = performance.now();
      let encoded = 0;
      for (let i = 0; i < 20; i++) for (const w of windows) encoded += tokenizer.encode(w, { windowBars: 4 }).tokens.length;
      return { load, runs, isolated: crossOriginIsolated, encodeMs: performance.now() - t0, encoded };
    },
    { bars: BARS, seeds: SEEDS },
  );
  await tab.close();
  server.close();
  return result;
}

function report(name, runs, extra = '') {
  const wall = runs.map((r) => r.wall);
  const first = runs.map((r) => r.first);
  const tps = runs.map((r) => (r.tokens * 1000) / r.wall);
  rows.push(`${name.padEnd(34)} ${median(wall).toFixed(0).padStart(6)} (${range(wall)})  ${median(first).toFixed(0).padStart(5)}  ${String(median(runs.map((r) => r.tokens))).padStart(6)}  ${median(tps).toFixed(0).padStart(6)} ${extra}`);
}

const single = await inPage(false);
report('chromium, onnxruntime-web, 1 thread', single.runs, `(model load ${single.load.toFixed(0)} ms)`);
const isolated = await inPage(true);
report(`chromium, onnxruntime-web, ${isolated.isolated ? 'isolated: 2 threads' : 'NOT isolated'}`, isolated.runs, `(model load ${isolated.load.toFixed(0)} ms)`);

for (const threads of [1, 2]) {
  const engine = await InferenceEngine.fromOnnx(defaultModelPath, { threads });
  const score = Score.fromMidi(example);
  const runs = [];
  for (const seed of [0, ...SEEDS]) {
    let first = null;
    const start = performance.now();
    const logger = { token: (_p, _id, name) => (first ??= name.startsWith('NoteOnset') ? performance.now() - start : null), stepSummary: () => {} };
    const r = await engine.generate(score, { tracks: [{ id: 0, bars: BARS }], config: { seed } }, { logger });
    if (seed > 0) runs.push({ wall: performance.now() - start, first, tokens: r.steps.reduce((n, s) => n + s.generated.length, 0) });
  }
  await engine.release();
  report(`Node, onnxruntime-node, ${threads} thread${threads > 1 ? 's' : ''}`, runs);
}

// The tokenizer natively, same windows.
const score = Score.fromMidi(example);
const tokenizer = Tokenizer.load('yellow');
const windows = [];
for (let b = 0; b + 4 <= score.summary().bars; b += 4) windows.push(score.window(b, 4));
const t0 = performance.now();
for (let i = 0; i < 20; i++) for (const w of windows) tokenizer.encode(w, { windowBars: 4 });
const nativeEncode = performance.now() - t0;

// The static studio: page open → model ready (no cache, then from IndexedDB), Infill → take drawn.
const server = await serve(site, false);
const context = await browser.newContext({ viewport: { width: 1440, height: 540 } });
const tab = await context.newPage();
const ready = [];
const infill = [];
for (let visit = 0; visit < 2; visit++) {
  const start = Date.now();
  await tab.goto(`${server.url}/`);
  await tab.waitForFunction(() => document.getElementById('model').textContent.includes('in this browser'), null, { timeout: 120000 });
  ready.push(Date.now() - start);
}
await tab.click('#example');
await tab.waitForSelector('#studio[data-state="idle"]', { state: 'attached' });
const from = await tab.evaluate(() => window.__studio.point(0, 12));
const to = await tab.evaluate(() => window.__studio.point(0, 15));
await tab.mouse.move(from.x, from.y);
await tab.mouse.down();
await tab.mouse.move(to.x, to.y, { steps: 6 });
await tab.mouse.up();
for (const seed of SEEDS) {
  await tab.fill('#seed', String(seed));
  const start = Date.now();
  await tab.click('#infill');
  await tab.waitForSelector('#studio[data-state="done"]', { state: 'attached', timeout: 120000 });
  infill.push(Date.now() - start);
  await tab.click('#discard');
}
server.close();
await browser.close();

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
console.log('4-bar infill, default model (ms)   wall median (range)  first note  tokens  tokens/s');
for (const row of rows) console.log(row);
console.log(`\ntokenizer, ${single.encoded / 20} tokens × 20: wasm in chromium ${single.encodeMs.toFixed(0)} ms, native ${nativeEncode.toFixed(0)} ms (${(single.encodeMs / nativeEncode).toFixed(2)}× slower)`);
console.log(`static studio: page → model ready ${ready[0]} ms (download), ${ready[1]} ms (IndexedDB); Infill → take drawn ${median(infill)} ms (${range(infill)})`);
console.log(`sizes (gzip -9): core wasm ${(statSync(coreWasm).size / 1024).toFixed(0)} KB (${(gz(coreWasm) / 1024).toFixed(0)} KB), onnxruntime-web wasm ${(statSync(path.join(page, 'ort/ort-wasm-simd-threaded.wasm')).size / 2 ** 20).toFixed(1)} MB (${(gz(path.join(page, 'ort/ort-wasm-simd-threaded.wasm')) / 2 ** 20).toFixed(1)} MB), model ${(statSync(defaultModelPath).size / 2 ** 20).toFixed(1)} MB`);
rmSync(work, { recursive: true, force: true });
