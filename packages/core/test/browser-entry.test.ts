// The package's browser entry (src/browser.ts) as far as Node can check it:
// its built-in encoder configs are the files in encoders/, it says what to do
// before initCore and when given a path, and after initCore (from the wasm
// module's bytes) it tokenizes as the native addon does. The page itself is
// tested in chromium (packages/studio/test/browser).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinEncoderTexts } from '../src/builtin-encoders.js';
import { defaultWasmPath } from '../src/wasm.js';
import { parityMidiFiles, parityMidiPath } from '../../../tests/support/parity.js';

const encoders = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'encoders');

describe('the browser entry', () => {
  it('carries every built-in encoder config, as in encoders/ (else: node scripts/embed-encoders.mjs)', () => {
    const files = readdirSync(encoders).filter((f) => f.endsWith('.json'));
    expect(Object.keys(builtinEncoderTexts).sort()).toEqual(files.map((f) => f.slice(0, -5)).sort());
    for (const f of files) expect(builtinEncoderTexts[f.slice(0, -5)], f).toBe(readFileSync(path.join(encoders, f), 'utf8'));
  });

  it('says to call initCore before the core is loaded', async () => {
    const browser = await import('../src/browser.js');
    expect(browser.coreReady()).toBe(false);
    expect(() => browser.Tokenizer.load('yellow')).toThrow(/the C\+\+ core is not loaded.*await initCore\(\)/);
  });

  it.skipIf(!existsSync(defaultWasmPath))('after initCore: the wasm core, no paths, the same tokens as the native addon', async () => {
    const browser = await import('../src/browser.js');
    await Promise.all([browser.initCore(readFileSync(defaultWasmPath)), browser.initCore(readFileSync(defaultWasmPath))]);
    expect(browser.coreReady()).toBe(true);
    const file = parityMidiFiles()[0]!;
    expect(() => browser.Score.fromMidi(parityMidiPath(file))).toThrow(/files are read by path under Node only; in a browser, pass the MIDI file's bytes/);
    expect(() => browser.Tokenizer.load('/tmp/some-config.json')).toThrow(/unknown encoder/);
    const score = browser.Score.fromMidi(new Uint8Array(readFileSync(parityMidiPath(file))));
    const tokens = Array.from(browser.Tokenizer.load('yellow').encode(score.window(0, 4), { windowBars: 4 }).tokens);
    const native = await import('../src/index.js');
    const expected = Array.from(native.Tokenizer.load('yellow').encode(native.Score.fromMidi(parityMidiPath(file)).window(0, 4), { windowBars: 4 }).tokens);
    expect(tokens).toEqual(expected);
    // The constant both entries export is the core's own.
    const { native: addon } = await import('../src/native.js');
    expect(native.DEFAULT_RESOLUTION).toBe(addon.defaultResolution);
    expect(browser.DEFAULT_RESOLUTION).toBe(addon.defaultResolution);
  });
});
