// The C++ core as WebAssembly (first step of issue #19): wasm/dist/midigpt.wasm
// under Node, through the same TypeScript layer as the native addon. Parity
// token ids for a subset of the reference's windows, MIDI written back
// byte-identical to the native addon's, core errors as JS Errors, and the
// tokenizer's speed against the native addon's. Skipped when the module has
// not been built (`pnpm --filter @midigpt/core build:wasm`, needs Emscripten).
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultWasmPath } from '../src/wasm.js';
import { parityFile, parityMidiFiles, parityMidiPath, printParityReport, type ReferenceWindow } from '../../../tests/support/parity.js';

const built = existsSync(process.env.MIDIGPT_WASM ?? defaultWasmPath);
if (!built)
  console.warn(
    `wasm.test.ts: skipped, no WebAssembly core at ${defaultWasmPath} (build it with \`pnpm --filter @midigpt/core build:wasm\`; needs Emscripten)`,
  );

type Core = typeof import('../src/index.js');

// A copy of the TypeScript layer on either core: native.ts reads
// MIDIGPT_CORE_BACKEND when it is evaluated (fresh after resetModules).
async function loadCore(backend: 'native' | 'wasm'): Promise<{ core: Core; addon: unknown }> {
  const previous = process.env.MIDIGPT_CORE_BACKEND;
  if (backend === 'wasm') process.env.MIDIGPT_CORE_BACKEND = 'wasm';
  else delete process.env.MIDIGPT_CORE_BACKEND;
  try {
    vi.resetModules();
    const core = (await import('../src/index.js')) as Core;
    const { native } = await import('../src/native.js');
    return { core, addon: native };
  } finally {
    if (previous === undefined) delete process.env.MIDIGPT_CORE_BACKEND;
    else process.env.MIDIGPT_CORE_BACKEND = previous;
  }
}

const CONFIGS = ['yellow_encoder', 'expressive_encoder'];
const FILES_PER_CONFIG = 5;

describe.skipIf(!built)('the core as WebAssembly', () => {
  let wasm: Core;
  let nativeCore: Core;
  let wasmAddon: unknown;
  let nativeAddon: unknown;
  beforeAll(async () => {
    ({ core: nativeCore, addon: nativeAddon } = await loadCore('native'));
    ({ core: wasm, addon: wasmAddon } = await loadCore('wasm'));
  });

  it('is the wasm build, not the native addon', () => {
    const fromMidi = (addon: unknown) => String((addon as { NativeScore: { fromMidi: unknown } }).NativeScore.fromMidi);
    expect(wasmAddon).not.toBe(nativeAddon);
    expect(fromMidi(nativeAddon)).toContain('[native code]');
    expect(fromMidi(wasmAddon)).not.toContain('[native code]');
    expect(wasm.DEFAULT_RESOLUTION).toBe(nativeCore.DEFAULT_RESOLUTION);
  });

  describe.each(CONFIGS)('parity token ids, %s', (config) => {
    const reference = parityFile<{ files: Record<string, { windows: ReferenceWindow[] }> }>(`encode_${config}.json.gz`);
    const files = Object.keys(reference.files)
      .filter((f) => reference.files[f]!.windows.length > 0)
      .sort()
      .slice(0, FILES_PER_CONFIG);
    const report: Array<[string, number, number]> = [];

    it(`covers ${FILES_PER_CONFIG} files`, () => expect(files.length).toBe(FILES_PER_CONFIG));

    it.each(files)('%s', (file) => {
      const tokenizer = wasm.Tokenizer.load(config);
      const score = wasm.Score.fromMidi(parityMidiPath(file));
      const windows = reference.files[file]!.windows;
      let matched = 0;
      for (const w of windows) {
        const options = {
          windowBars: w.W,
          ...(w.variant === 'multi_fill' ? { multiFill: w.multi_fill! } : {}),
          ...(w.variant === 'piece_controls' ? { useVelocity: w.use_velocity!, useMicrotiming: w.use_microtiming!, genre: w.genre! } : {}),
        };
        const { tokens } = tokenizer.encode(score.window(w.start, w.W), options);
        expect(Array.from(tokens), `${file} W=${w.W} start=${w.start} ${w.variant}`).toEqual(w.tokens);
        // Decoding and encoding again gives the same ids (the arrays cross the boundary both ways).
        if (w.variant === 'plain') {
          const again = tokenizer.encode(tokenizer.decode(tokens, { resample: false }), { windowBars: w.W, computeAttributes: false });
          expect(Array.from(again.tokens)).toEqual(w.tokens);
        }
        matched++;
      }
      report.push([`${config}: ${file}`, matched, windows.length]);
    });

    afterAll(() => printParityReport(`wasm core: token ids of the reference's windows (${config})`, report));
  });

  it('writes every parity MIDI file back with the same bytes as the native addon', () => {
    const files = parityMidiFiles();
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(parityMidiPath(file)));
      const fromWasm = wasm.Score.fromMidi(bytes);
      const fromNative = nativeCore.Score.fromMidi(bytes);
      expect(fromWasm.toJSON(), file).toEqual(fromNative.toJSON());
      const written = fromWasm.toMidi();
      expect(written.length, file).toBeGreaterThan(14);
      expect(Buffer.from(written).equals(Buffer.from(fromNative.toMidi())), file).toBe(true);
      expect(wasm.parseMidiEvents(bytes), file).toEqual(nativeCore.parseMidiEvents(bytes));
    }
  });

  it('leaves the input bytes as they were', () => {
    const bytes = new Uint8Array(readFileSync(parityMidiPath(parityMidiFiles()[0]!)));
    const copy = bytes.slice();
    wasm.Score.fromMidi(bytes).toMidi();
    expect(Buffer.from(bytes).equals(Buffer.from(copy))).toBe(true);
  });

  it('throws JS Errors with the native codes for bad input (no abort), and keeps working', () => {
    const bad = [
      new Uint8Array([1, 2, 3, 4]),
      new Uint8Array(Buffer.from('MThd\0\0\0\x06\0\x01\0\x01\x01\xe0MTrk\0\0\x10\0\x90\x3c', 'latin1')),
      new Uint8Array(0),
    ];
    const outcome = (core: Core, bytes: Uint8Array) => {
      try {
        core.Score.fromMidi(bytes);
        return { ok: true };
      } catch (e) {
        return { ok: false, isError: e instanceof Error, coreError: core.isCoreError(e), code: (e as { code?: string }).code, message: (e as Error).message };
      }
    };
    for (const bytes of bad) expect(outcome(wasm, bytes)).toEqual(outcome(nativeCore, bytes));
    expect(outcome(wasm, bad[0]!)).toMatchObject({ ok: false, isError: true, coreError: true, code: 'MIDI_FORMAT' });
    expect(() => wasm.Tokenizer.fromConfig('{ not json')).toThrow(Error);
    const tokenizer = wasm.Tokenizer.load('yellow');
    expect(() => tokenizer.decode([tokenizer.vocabSize + 5])).toThrow(Error);
    // The instance is still usable after the errors.
    expect(wasm.Score.fromMidi(parityMidiPath(parityMidiFiles()[0]!)).summary().tracks.length).toBeGreaterThan(0);
  });

  it('tokenizes as fast as measured (wasm vs native, median of 5, the largest parity file)', () => {
    const file = parityMidiFiles()
      .map((f) => ({ f, size: readFileSync(parityMidiPath(f)).length }))
      .sort((a, b) => b.size - a.size)[0]!.f;
    const bytes = new Uint8Array(readFileSync(parityMidiPath(file)));
    const measure = (core: Core) => {
      const tokenizer = core.Tokenizer.load('yellow');
      // The user path of bench/tokenizer.mjs: read the MIDI file, every window of W=4 and W=8, encode with attributes.
      const run = () => {
        const score = core.Score.fromMidi(bytes);
        const bars = Math.min(...score.summary().tracks.map((t) => t.bars));
        let tokens = 0;
        for (const W of [4, 8]) for (let start = 0; start + W <= bars; start += W) tokens += tokenizer.encode(score.window(start, W), { windowBars: W }).tokens.length;
        return tokens;
      };
      run();
      const times: number[] = [];
      let tokens = 0;
      for (let r = 0; r < 5; r++) {
        const t = performance.now();
        tokens = run();
        times.push(performance.now() - t);
      }
      return { tokens, ms: times.sort((a, b) => a - b)[2]! };
    };
    const n = measure(nativeCore);
    const w = measure(wasm);
    expect(w.tokens).toBe(n.tokens);
    const rate = (x: { tokens: number; ms: number }) => `${((x.tokens / x.ms) * 1000 / 1e6).toFixed(2)} M tok/s (${x.ms.toFixed(1)} ms)`;
    console.log(
      `\nTokenizer speed on ${file} (${bytes.length} bytes, ${n.tokens} tokens, yellow, read + windows + encode), median of 5:\n` +
        `  native ${rate(n)}\n  wasm   ${rate(w)}\n  wasm / native time: ${(w.ms / n.ms).toFixed(2)}x\n`,
    );
  });
});
