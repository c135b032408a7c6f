// The shape of the C++ core's binding (cpp/node), and the one place the
// TypeScript layer reaches it: `native`. Which build fills it is the entry
// point's choice: index.ts (Node) loads the native addon (node-addon.ts),
// browser.ts instantiates the same binding compiled to WebAssembly.
import type { MidiEvents, ScoreInput, ScoreJSON } from './types.js';

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

// Every property read before a core is installed says what to do, instead of
// "cannot read properties of undefined" somewhere inside the TypeScript layer.
const notLoaded = new Proxy({} as NativeAddon, {
  get(_target, property) {
    throw new Error(
      `@midigpt/core: the C++ core is not loaded (reading ${String(property)}); in a browser, \`await initCore()\` before using the API`,
    );
  },
});

/** The core's binding, for the other modules of this package (a live binding: set once by the entry point). */
export let native: NativeAddon = notLoaded;

/** Installs the core's binding (the entry points do; the wasm tests load either build). */
export function installAddon(addon: NativeAddon): void {
  native = addon;
}

/** Whether a core has been installed. */
export function addonInstalled(): boolean {
  return native !== notLoaded;
}
