// The studio as a static site that generates in the page (issue #19):
// `midigpt studio --static DIR` writes it; any static file server serves it
// (here a plain one, no midigpt server); in chromium the page reads the
// example, infills 4 dragged bars with the embedded default model in a Web
// Worker (the C++ core as WebAssembly, the model on onnxruntime-web) and draws
// the take. Also: cancelling, the Live button, what the command refuses.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Score } from '@midigpt/core';
import { runAsync, midigptBin } from '../../../../tests/support/cli.js';
import { serveFolder, type StaticServer } from '../../../../tests/support/static-server.js';
import { dragOver, launchChromium, offlinePage, WAIT } from './browser.js';

const TRACK = 0;
const BARS = [4, 5, 6, 7];

let root: string;
let site: string;
let server: StaticServer;
let browser: Browser;
let page: Page;
const external: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'midigpt-static-'));
  site = path.join(root, 'site');
  const written = await runAsync(midigptBin, ['studio', '--static', site]);
  expect(written.stderr).toContain('wrote the static studio');
  expect(written.status).toBe(0);
  server = await serveFolder(site);
  browser = await launchChromium();
  page = await offlinePage(browser, server.url, external, { acceptDownloads: true });
}, WAIT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const studio = (attribute: string): Promise<string | null> => page.getAttribute('#studio', `data-${attribute}`);
const waitFor = (selector: string): Promise<unknown> => page.waitForSelector(selector, { state: 'attached', timeout: WAIT });

describe('midigpt studio --static', () => {
  it('writes the page, the core, the runtime, the model and local.json', () => {
    for (const file of ['index.html', 'midigpt.wasm', 'model.onnx', 'ort/ort-wasm-simd-threaded.wasm', 'ort/ort-wasm-simd-threaded.mjs', 'local.json'])
      expect(existsSync(path.join(site, file)), file).toBe(true);
    expect(JSON.parse(readFileSync(path.join(site, 'local.json'), 'utf8'))).toEqual({
      backend: 'browser',
      model: 'model.onnx',
      core: 'midigpt.wasm',
      ort: 'ort/',
      modelName: 'pop909-small (in this browser)',
    });
    expect(readdirSync(root)).toEqual(['site']); // no partial folder left behind
  });

  it('refuses a folder that is not empty, and leaves it as it was', async () => {
    const taken = path.join(root, 'taken');
    mkdirSync(taken);
    writeFileSync(path.join(taken, 'mine.txt'), 'keep me');
    const result = await runAsync(midigptBin, ['studio', '--static', taken]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is not an empty folder');
    expect(readdirSync(taken)).toEqual(['mine.txt']);
  });

  it('asks for the folder', async () => {
    const result = await runAsync(midigptBin, ['studio']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("required option '--static <outdir>'");
  });
});

describe('the static studio in chromium, with no midigpt server', () => {
  it('runs in the page: the browser backend, the default model loaded in a worker, Live off', async () => {
    await page.goto(`${server.url}/`);
    await waitFor('#studio[data-backend="browser"]');
    await page.waitForFunction(() => document.getElementById('model')!.textContent === 'model: pop909-small (in this browser)', null, { timeout: WAIT });
    expect(await page.isDisabled('#live')).toBe(true);
    expect(server.requests).toContain('/model.onnx');
    expect(server.requests).toContain('/midigpt.wasm');
    expect(server.requests).toContain('/ort/ort-wasm-simd-threaded.wasm');
  });

  it('infills 4 dragged bars with the default model and draws the take', async () => {
    await page.click('#example');
    await waitFor('#studio[data-state="idle"]');
    const notesBefore = Number(await studio('notes'));
    await dragOver(page, TRACK, BARS);
    expect(await studio('selection')).toBe(`${TRACK}:4-7`);
    await page.fill('#seed', '3');
    await page.click('#infill');
    await waitFor('#studio[data-state="done"]');
    expect(await studio('generated')).toBe('4');
    expect(await studio('takes')).toBe('1');
    const notesAfter = Number(await studio('notes'));
    expect(notesAfter).toBeGreaterThan(0);
    expect(notesAfter).not.toBe(notesBefore);
    expect(await page.textContent('#status')).toContain('ready');
    // The take's file: the example with new notes in the selected bars of the track only.
    await page.click('#keep');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.click('#export')]);
    const exported = Score.fromMidi(new Uint8Array(readFileSync((await download.path())!))).toJSON();
    const example = Score.fromMidi(path.resolve(import.meta.dirname, '../../../../examples/pop909-032.mid')).toJSON();
    example.tracks.forEach((track, t) =>
      track.bars.forEach((bar, b) => {
        if (!(t === TRACK && BARS.includes(b))) expect(exported.tracks[t]!.bars[b]!.notes, `track ${t} bar ${b}`).toEqual(bar.notes);
      }),
    );
    const generated = BARS.reduce((n, b) => n + exported.tracks[TRACK]!.bars[b]!.notes.length, 0);
    expect(generated).toBeGreaterThan(0);
  });

  it('cancels a generation (the worker restarts) and infills again', async () => {
    await page.fill('#variations', '4');
    await page.click('#infill');
    await waitFor('#studio[data-state="generating"]');
    await page.click('#cancel');
    await waitFor('#studio[data-state="idle"]');
    expect(await page.textContent('#status')).toContain('Cancelled');
    await page.fill('#variations', '1');
    await page.click('#infill');
    await waitFor('#studio[data-state="done"]');
    expect(await studio('takes')).toBe('1');
  });

  it('reached nothing but its own server', () => expect(external).toEqual([]));
});
