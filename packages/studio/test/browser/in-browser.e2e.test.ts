// @midigpt/core and @midigpt/inference in a browser (issue #19), bundled by
// Vite as an application would, in Debian's chromium with no server model:
// the wasm tokenizer gives the reference's token ids, and a greedy infill with
// the tiny parity model on onnxruntime-web reproduces, token for token, what
// the Node engine (native core, onnxruntime-node) generates, which is the
// reference's run. Also: models kept in IndexedDB, errors as Errors.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Score, type ScoreJSON } from '@midigpt/core';
import { convertToOnnx, InferenceEngine, readCheckpoint } from '@midigpt/inference';
import { parityDir, parityFile, parityMidiPath, printParityReport, type GreedyRun, type ReferenceWindow } from '../../../../tests/support/parity.js';
import { launchChromium, openPage, serveHarness, WAIT, type TestSite } from './page.js';

const CONFIGS = ['yellow_encoder', 'expressive_encoder'];
const FILES_PER_CONFIG = 5;
const TINY = path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors');

const runs = parityFile<{ runs: Array<GreedyRun<ScoreJSON>> }>('tiny_model_greedy_sessions.json').runs.filter((r) => r.request.startsWith('infill'));

/** The request of a parity run with every other track of the piece as context (as tests/parity/greedy-sessions.test.ts). */
function requestOf(run: GreedyRun<ScoreJSON>, trackCount: number): { tracks: Array<{ id: number; bars: number[] }>; config: Record<string, unknown> } {
  const listed = new Set(run.tracks.map((t) => t.id));
  const rest = Array.from({ length: trackCount }, (_, id) => ({ id, bars: [] as number[] })).filter((t) => !listed.has(t.id));
  return { tracks: [...run.tracks, ...rest], config: run.inference_config };
}

/** What the test server serves besides the page (a test replaces the model to see the kept copy renewed). */
const served: Record<string, Uint8Array> = { '/tiny.onnx': convertToOnnx(readCheckpoint(TINY)) };
let browser: Browser;
let site: TestSite;
let page: Page;
const external: string[] = [];

beforeAll(async () => {
  site = await serveHarness(served);
  browser = await launchChromium();
  page = await openPage(browser, site.server.url, external);
  await page.goto(`${site.server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  await page.evaluate(() => window.midigpt.core.initCore('midigpt.wasm'));
}, WAIT);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('the wasm tokenizer in chromium', () => {
  const report: Array<[string, number, number]> = [];
  afterAll(() => printParityReport('chromium: token ids of the reference windows (wasm core)', report));

  describe.each(CONFIGS)('%s', (config) => {
    const reference = parityFile<{ files: Record<string, { windows: ReferenceWindow[] }> }>(`encode_${config}.json.gz`);
    const files = Object.keys(reference.files)
      .filter((f) => reference.files[f]!.windows.length > 0)
      .sort()
      .slice(0, FILES_PER_CONFIG);

    it(`covers ${FILES_PER_CONFIG} files`, () => expect(files).toHaveLength(FILES_PER_CONFIG));

    it.each(files)('%s gives the reference token ids', async (file) => {
      const windows = reference.files[file]!.windows.map((w) => ({
        start: w.start,
        bars: w.W,
        options: {
          windowBars: w.W,
          ...(w.variant === 'multi_fill' ? { multiFill: w.multi_fill! } : {}),
          ...(w.variant === 'piece_controls' ? { useVelocity: w.use_velocity!, useMicrotiming: w.use_microtiming!, genre: w.genre! } : {}),
        },
      }));
      const midi = Array.from(readFileSync(parityMidiPath(file)));
      const encoded = await page.evaluate(
        ({ config, midi, windows }) => {
          const { Score, Tokenizer } = window.midigpt.core;
          const tokenizer = Tokenizer.load(config);
          const score = Score.fromMidi(new Uint8Array(midi));
          return windows.map((w) => Array.from(tokenizer.encode(score.window(w.start, w.bars), w.options).tokens));
        },
        { config, midi, windows },
      );
      const expected = reference.files[file]!.windows.map((w) => w.tokens);
      expect(encoded).toHaveLength(expected.length);
      encoded.forEach((tokens, i) => expect(tokens, `${file} window ${i}`).toEqual(expected[i]));
      report.push([`${config}: ${file}`, encoded.length, expected.length]);
    });
  });

  it('reports bad input as an Error, and keeps working', async () => {
    const result = await page.evaluate(() => {
      const { Score, isCoreError } = window.midigpt.core;
      try {
        Score.fromMidi(new Uint8Array([1, 2, 3, 4]));
        return 'no error';
      } catch (error) {
        return `${error instanceof Error} ${isCoreError(error) ? error.code : 'not a core error'}`;
      }
    });
    expect(result).toBe('true MIDI_FORMAT');
  });
});

describe('greedy infill with the tiny parity model on onnxruntime-web', () => {
  let node: InferenceEngine;
  const counts = { steps: 0, tokens: 0 };
  beforeAll(async () => {
    node = await InferenceEngine.fromCheckpoint(TINY, { threads: 1 });
    await page.evaluate(async () => {
      const engine = await window.midigpt.inference.loadModel('tiny.onnx', { cache: false, core: 'midigpt.wasm', ortWasmPaths: 'ort/' });
      (window as unknown as { tiny: unknown }).tiny = engine;
    });
  }, WAIT);
  afterAll(async () => {
    await node?.release();
    printParityReport('chromium: greedy tiny-model infill, steps equal to the Node engine and the reference', [['steps', counts.steps, counts.steps]]);
  });

  it(`has the reference's infill runs`, () => expect(runs.length).toBeGreaterThanOrEqual(3));

  it.each(runs.map((r) => [`${r.file} ${r.request} ${r.mask_mode}`, r] as const))('%s', async (_label, run) => {
    const bytes = readFileSync(parityMidiPath(run.file));
    const score = Score.fromMidi(bytes).window(0, 8);
    const request = requestOf(run, score.tracks.length);
    const inNode = await node.generate(score, request);
    const inBrowser = await page.evaluate(
      async ({ midi, request }) => {
        const { Score } = window.midigpt.core;
        const engine = (window as unknown as { tiny: import('@midigpt/inference/browser').InferenceEngine }).tiny;
        const result = await engine.generate(Score.fromMidi(new Uint8Array(midi)).window(0, 8), request);
        return result.steps.map((s) => ({ prompt: Array.from(s.prompt), generated: s.generated }));
      },
      { midi: Array.from(bytes), request },
    );
    expect(inBrowser).toHaveLength(inNode.steps.length);
    inBrowser.forEach((step, i) => {
      expect(step.prompt, `step ${i} prompt`).toEqual(Array.from(inNode.steps[i]!.prompt));
      expect(step.generated, `step ${i} generated`).toEqual(inNode.steps[i]!.generated);
      expect(step.generated, `step ${i} = the reference`).toEqual(run.steps[i]!.generated_tokens);
      counts.steps++;
      counts.tokens += step.generated.length;
    });
  });

  it('keeps a downloaded model in IndexedDB: the next load asks the server (HEAD) and downloads nothing', async () => {
    const downloads = () => site.server.requests.filter((p) => p === '/tiny.onnx').length;
    const before = downloads();
    const load = () =>
      page.evaluate(async () => (await window.midigpt.inference.loadModel('tiny.onnx', { ortWasmPaths: 'ort/' })).tokenizer.vocabSize);
    await page.evaluate(() => window.midigpt.inference.clearModelCache());
    const sizes = [await load(), await load()];
    expect(sizes[0]).toBe(sizes[1]);
    expect(downloads() - before).toBe(1);
    expect(site.server.requests).toContain('HEAD /tiny.onnx');
  });

  it('downloads the model again when the server has another version of the file', async () => {
    const downloads = () => site.server.requests.filter((p) => p === '/tiny.onnx').length;
    const before = downloads();
    const previous = served['/tiny.onnx']!;
    served['/tiny.onnx'] = convertToOnnx(readCheckpoint(TINY), { quantize: 'int8' });
    try {
      const vocab = await page.evaluate(async () => (await window.midigpt.inference.loadModel('tiny.onnx', { ortWasmPaths: 'ort/' })).tokenizer.vocabSize);
      expect(vocab).toBeGreaterThan(0);
      expect(downloads() - before).toBe(1);
    } finally {
      served['/tiny.onnx'] = previous;
    }
  });

  it('says what to do when asked to read a file by path', async () => {
    const message = await page.evaluate(async () => {
      try {
        await window.midigpt.inference.InferenceEngine.fromOnnx('model.onnx');
        return 'no error';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(message).toMatch(/only Node has; in a browser load an \.onnx model's bytes/);
  });

  it('reached nothing but its own server', () => expect(external).toEqual([]));
});
