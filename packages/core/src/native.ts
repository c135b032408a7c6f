// Loads the addon (node-gyp-build): the local CMake build in build/Release
// when there is one, otherwise a prebuilt binary from prebuilds/ that matches
// this platform.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MidiEvents, ScoreInput, ScoreJSON } from './types.js';
import { loadWasmAddon } from './wasm.js';

/** A score held by the C++ core. */
export interface NativeScore {
  toJS(): ScoreJSON;
  toMidi(): Uint8Array;
  toMidiOver(source: Uint8Array, cells: Array<[number, number]>, dropControllers: boolean): { bytes: Uint8Array; adjustedNotes: number; droppedNotes: number };
  resample(resolution: number, useDelta: boolean): NativeScore;
  window(start: number, bars: number): NativeScore;
  summary(): {
    resolution: number;
    tempo: number;
    tracks: Array<{ name: string; instrument: number; track_type: string; bars: number; notes: number }>;
  };
}

/** An attribute control of an encoder (the reference's attribute sizes, levels, track types and labels). */
export interface AttributeInfo {
  /** Key in track.attributes (track level), e.g. "min_polyphony". */
  name: string;
  /** Token type; bar-level values are stored as `bar_<tokenType>_<bar>`. */
  tokenType: string;
  level: 'track' | 'bar';
  trackType: 'melodic' | 'drum' | 'both';
  size: number;
  /** Value labels, when the attribute has them ("1 voice", "2 voices", ...). */
  labels: string[];
}

/** The encoder-config facts that request validation and the CLI need. */
export interface EncoderSummary {
  resolution: number;
  decodeResolution: number;
  pitchRange: [number, number];
  velocityLevels: number;
  emitDeltaTokens: boolean;
  supportsInfill: boolean;
  supportsMaskBar: boolean;
  switchableVelocity: boolean;
  switchableMicrotiming: boolean;
  /** `[numerator, denominator]` in token order; empty when the config has none. */
  timeSignatures: Array<[number, number]>;
  /** Canonical genre names in id order; empty when the config has no genres. */
  genres: string[];
}

export interface NativeTokenizer {
  vocabSize(): number;
  domains(): Array<{ type: string; offset: number; size: number }>;
  tokenNames(): string[];
  numBarsMap(): number[] | null;
  configSummary(): EncoderSummary;
  genreId(name: string): number;
  attributes(): AttributeInfo[];
  prepare(score: NativeScore, computeAttributes: boolean): NativeScore;
  annotate(score: NativeScore, skipTracks: boolean[]): NativeScore;
  encode(score: NativeScore, options: object): { tokens: Int32Array; hiddenSpans: Array<[number, number]> };
  decode(tokens: Int32Array, resample: boolean): NativeScore;
}

export interface NativeStep {
  start_bar: number;
  end_bar: number;
  is_autoregressive: boolean;
  track_indices: number[];
  bars_to_generate: Array<[number, number]>;
  bar_mapping: Array<[number, number, number, number]>;
  context: boolean[][];
}

export interface NativeSessionState {
  prompt(): Int32Array;
  generated(): Int32Array;
  hiddenSpans(): Array<[number, number]>;
  mask(allowed: Uint8Array): 'ok' | 'relaxed' | 'no-legal-token';
  advance(token: number): void;
  complete(): boolean;
  result(): NativeScore;
  generatedBars(): Array<{ track: number; bar: number; content: import('./types.js').BarJSON }>;
}

export interface NativeAddon {
  NativeScore: {
    fromMidi(bytes: Uint8Array, resolution: number): NativeScore;
    fromJS(score: ScoreInput | unknown): NativeScore;
  };
  Tokenizer: new (configJson: string) => NativeTokenizer;
  parseMidiEvents(bytes: Uint8Array): MidiEvents;
  planSteps(
    mask: { selected: boolean[][]; autoregressive: boolean[]; ignore: boolean[] },
    modelDim: number,
    barsPerStep: number,
    tracksPerStep: number,
  ): NativeStep[];
  splitAutoregressiveSteps(steps: NativeStep[]): NativeStep[];
  rekeyBarAttributes(score: NativeScore, start: number): NativeScore;
  writeGeneratedBars(
    score: NativeScore,
    bars: Array<{ track: number; bar: number; content: import('./types.js').BarJSON }>,
    modelResolution: number,
    useDelta: boolean,
  ): NativeScore;
  finishGeneratedBars(score: NativeScore, bars: Array<[number, number]>): NativeScore;
  trainingSample(tokenizer: NativeTokenizer, score: NativeScore, options: object, seed: number): import('./training.js').TrainingSample;
  SessionState: new (tokenizer: NativeTokenizer, score: NativeScore, step: NativeStep, options?: object, constraints?: object) => NativeSessionState;
  signatureBarTicks(numerator: number, denominator: number, resolution: number): number;
  beatBarTicks(beatLength: number, resolution: number): number;
  defaultResolution: number;
}

const require = createRequire(import.meta.url);
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function load(): NativeAddon {
  // The same core compiled to WebAssembly (`pnpm run build:wasm`, src/wasm.ts), chosen explicitly (the wasm tests).
  if (process.env.MIDIGPT_CORE_BACKEND === 'wasm') return loadWasmAddon();
  // A specific build (a sanitizer build in scripts/test-addon-asan.sh, a debug build) by path.
  if (process.env.MIDIGPT_ADDON) return require(path.resolve(process.env.MIDIGPT_ADDON)) as NativeAddon;
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
  try {
    return nodeGypBuild(packageRoot) as NativeAddon;
  } catch (cause) {
    throw new Error(
      `@midigpt/core: no native addon for ${process.platform}-${process.arch} (Node ${process.version}). ` +
        'Build it from source with `npm rebuild @midigpt/core` in your project, or `pnpm --filter @midigpt/core build` ' +
        'in the midigpt repository (needs CMake, a C++20 compiler and nlohmann-json).',
      { cause },
    );
  }
}

export const native: NativeAddon = load();
