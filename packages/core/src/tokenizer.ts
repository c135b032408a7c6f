// The tokenizer: scores <-> token ids for one encoder config, with the
// reference's exact token layout (tokenizer.md). All the work is native.
import { coreError } from './errors.js';
import { files } from './files.js';
import { native, type AttributeInfo, type EncoderSummary, type NativeTokenizer } from './native.js';

export type { AttributeInfo } from './native.js';
import { Score } from './score.js';

/** Built-in encoder configs shipped in encoders/, by name. */
export const BUILTIN_ENCODERS: Readonly<Record<string, string>> = {
  yellow: 'yellow_encoder',
  prism: 'prism_encoder',
  expressive: 'expressive_encoder',
  ghost: 'ghost_config',
  yellow_encoder: 'yellow_encoder',
  yellow_config: 'yellow_config',
  prism_encoder: 'prism_encoder',
  expressive_encoder: 'expressive_encoder',
  expressive_config: 'expressive_config',
  ghost_config: 'ghost_config',
};

export interface EncodeOptions {
  /** NumBars value; defaults to the longest track's bar count. Must be in the config's num_bars_map. */
  windowBars?: number;
  /** (track, bar) cells to infill: each becomes a placeholder plus a fill-in block at the end. */
  multiFill?: Array<[track: number, bar: number]>;
  /** Encode only the first `partialBars` bars of track `partialTrack`, without its TrackEnd. */
  partialTrack?: number;
  partialBars?: number;
  /** Future bars become hidden spans (empty shells). */
  useSpanMasks?: boolean;
  /** Future bars are left out. */
  removeFutureBars?: boolean;
  /** Piece-level controls: -1 (default) on, 0 off, 1 on. */
  useVelocity?: number;
  useMicrotiming?: number;
  /** Dense genre id for configs with a Genre domain; -1 for none. */
  genre?: number;
  /** Compute attribute-control values first (default true), like the reference's Tokenizer.encode. */
  computeAttributes?: boolean;
}

export interface EncodeResult {
  tokens: Int32Array;
  /** `[start, end)` token positions of hidden (masked) bars. */
  hiddenSpans: Array<[number, number]>;
}

export interface TokenDomainInfo {
  type: string;
  offset: number;
  size: number;
}

export class Tokenizer {
  readonly #native: NativeTokenizer;
  /** The config's name (built-in) or path. */
  readonly source: string;

  private constructor(native: NativeTokenizer, source: string) {
    this.#native = native;
    this.source = source;
  }

  /** @internal The native handle, for the other classes of this package. */
  static handleOf(tokenizer: Tokenizer): NativeTokenizer {
    return tokenizer.#native;
  }

  /** A built-in encoder by name (`yellow`, `prism`, `expressive`, `ghost`, or a file name such as `yellow_config`), or a config file path. */
  static load(nameOrPath: string): Tokenizer {
    const builtin = BUILTIN_ENCODERS[nameOrPath];
    if (!builtin && !files.exists(nameOrPath))
      throw coreError(
        'INVALID_CONFIG',
        `unknown encoder "${nameOrPath}": not a built-in name (${Object.keys(BUILTIN_ENCODERS).join(', ')}) nor an existing file`,
      );
    return new Tokenizer(new native.Tokenizer(Tokenizer.configText(nameOrPath)), nameOrPath);
  }

  /** The JSON text of a built-in encoder's config or of a config file (what `load` reads). */
  static configText(nameOrPath: string): string {
    const builtin = BUILTIN_ENCODERS[nameOrPath];
    return builtin ? files.builtinEncoder(builtin) : files.readText(nameOrPath);
  }

  /** A tokenizer for an encoder config given as JSON text or object. */
  static fromConfig(config: string | object): Tokenizer {
    const text = typeof config === 'string' ? config : JSON.stringify(config);
    return new Tokenizer(new native.Tokenizer(text), '(inline config)');
  }

  get vocabSize(): number {
    return this.#native.vocabSize();
  }

  /** The vocabulary layout: one id range per token type, in order. */
  domains(): TokenDomainInfo[] {
    return this.#native.domains();
  }

  /** `"Type:value"` for every id. */
  tokenNames(): string[] {
    return this.#native.tokenNames();
  }

  /** The window sizes the NumBars token can express, or null when unrestricted. */
  numBarsMap(): number[] | null {
    return this.#native.numBarsMap();
  }

  /** Grid, pitch range, velocity levels, switches, time signatures and genres of the config. */
  config(): EncoderSummary {
    return this.#native.configSummary();
  }

  /** The dense id of a genre name or alias (case-insensitive), or -1 when unknown or the config has no genres. */
  genreId(name: string): number {
    return this.#native.genreId(name);
  }

  /** The attribute controls this encoder supports (the reference's attribute_sizes / labels / track types). */
  attributes(): AttributeInfo[] {
    return this.#native.attributes();
  }

  /** The score on the model grid with attribute values written into its tracks. */
  prepare(score: Score, options: { computeAttributes?: boolean } = {}): Score {
    return Score.fromHandle(this.#native.prepare(Score.handleOf(score), options.computeAttributes ?? true));
  }

  /**
   * Attribute values at the score's own resolution (as generation sessions compute them, before the
   * score is moved to the model grid); tracks flagged in `skipTracks` keep the attributes they have.
   */
  annotate(score: Score, skipTracks: boolean[] = []): Score {
    return Score.fromHandle(this.#native.annotate(Score.handleOf(score), skipTracks));
  }

  encode(score: Score, options: EncodeOptions = {}): EncodeResult {
    return this.#native.encode(Score.handleOf(score), options);
  }

  /** Tokens back to a score, at `decode_resolution` unless `resample` is false (then at the model grid). */
  decode(tokens: ArrayLike<number>, options: { resample?: boolean } = {}): Score {
    const ids = tokens instanceof Int32Array ? tokens : Int32Array.from(tokens);
    return Score.fromHandle(this.#native.decode(ids, options.resample ?? true));
  }
}
