// What a user asks the generator for (generation.md §1): the inference
// settings, one prompt per score track and the piece-level controls. Two
// shapes of each: the `...Input` types a user writes (JSON, almost everything
// optional) and the normalized types `validateRequest` returns, where every
// field is filled in and checked against the score and the encoder.
import type { Tokenizer } from '../tokenizer.js';

/** How bars hidden with `mask_bars` (and future bars) are shown to the model (generation.md §6). */
export type MaskMode = 'token' | 'attention' | 'attention_approx' | 'attention_skip' | 'remove';

/** Every mask mode, in the spec's order. */
export const MASK_MODES: readonly MaskMode[] = ['token', 'attention', 'attention_approx', 'attention_skip', 'remove'];

/** Sampling and planning settings (generation.md §1.1). Names match the reference's fields. */
export interface InferenceConfig {
  /** Softmax temperature (> 0); attempt i of a step uses `temperature * temperature_escalation^i`. */
  temperature: number;
  /** >= 0: reseed with `seed + attempt` at every attempt of every step; < 0: never reseed. */
  seed: number;
  /** Attempts per step before giving up (>= 1). */
  max_attempts: number;
  /** Reject a step whose requested bars come back unchanged (false: warn only). */
  novelty_check: boolean;
  /** Reject a step whose target bars come back without notes (false: warn only). */
  silence_check: boolean;
  /** Per-attempt temperature multiplier, in [1, 3] (larger values are clamped to 3 with a warning). */
  temperature_escalation: number;
  /** Bars generated per step, in (0, model_dim]. */
  bars_per_step: number;
  /** Tracks generated per step (> 0). */
  tracks_per_step: number;
  /** Window length in bars; one of the encoder's `num_bars_map` values. */
  model_dim: number;
  /** Unused, as in the reference; kept so configs round-trip. */
  shuffle: boolean;
  /** How masked bars are hidden (default: `token` where the encoder has MaskBar, else `attention`). */
  mask_mode: MaskMode;
  /** > 0: at most this many notes per onset. */
  polyphony_hard_limit: number;
  /** > 0: at most this many notes per bar. */
  density_hard_limit: number;
  /**
   * Enforce the track attributes a prompt asks for (max/min polyphony, note
   * duration range, note density) through the mask in every generated bar
   * (docs/controls.md says what each guarantees). Not in the reference.
   */
  strict_controls: boolean;
  /** Nucleus filter in (0, 1]; 1 = off. */
  top_p: number;
  /** Keep the k most likely tokens; 0 = off. */
  top_k: number;
  /** Drop the most likely tokens holding this much mass, in [0, 1); 0 = off. */
  mask_p: number;
  /** Drop the k most likely tokens; 0 = off. */
  mask_k: number;
}

/** An `InferenceConfig` as written by a user: every field optional; `model_dim` null/<= 0 means "smallest the encoder allows". */
export type InferenceConfigInput = Partial<Omit<InferenceConfig, 'model_dim'>> & { model_dim?: number | null };

/** Per-track (or per-bar) controls; only `time_signature`, an index into the encoder's time-signature list. */
export interface TrackControls {
  time_signature?: number;
  /** `[lowest, highest]` MIDI pitch of the generated notes (track level only; always enforced). Not in the reference. */
  pitch_range?: [number, number];
}

/** Piece-level controls; absent keys leave the encoder's default. */
export interface PieceControls {
  /** Emit velocities (false needs an encoder with switchable velocity). */
  velocity?: boolean;
  /** Emit microtiming (needs delta tokens or switchable microtiming). */
  microtiming?: boolean;
  /** A genre name or alias; normalized to the encoder's canonical name. */
  genre?: string;
}

/**
 * Values keyed by absolute bar index. A plain object, so requests stay JSON
 * (a Map would serialize to `{}`); at run time the keys are therefore the
 * decimal strings of the bar numbers, in ascending order. `barEntries` gives
 * `[bar, value]` pairs with numeric bars.
 */
export type BarMap<T> = Record<number, T>;

/** What to do with one score track (generation.md §1.2), as written by a user. */
export interface TrackPromptInput {
  /** Score track index. */
  id: number;
  /** Absolute bars to generate (default none). */
  bars?: number[];
  /** Continue the track (bars must be a suffix; empty = the whole track) instead of infilling. */
  autoregressive?: boolean;
  /** Never generate this track. */
  ignore?: boolean;
  /** Absolute bars to hide from the model; disjoint from `bars`. */
  mask_bars?: number[];
  /** Track-level attribute levels by attribute name (e.g. `min_polyphony`). */
  attributes?: Record<string, number>;
  controls?: TrackControls;
  /** Bar-level attribute levels; JSON keys are bar numbers as strings ("3"). */
  bar_attributes?: Record<string, Record<string, number>>;
  /** Per-bar controls; JSON keys are bar numbers as strings ("3"). */
  bar_controls?: Record<string, TrackControls>;
}

/** A validated track prompt: every field filled in, bar keys numeric. */
export interface TrackPrompt {
  id: number;
  /** Absolute bars to generate; an autoregressive prompt given `[]` holds every bar of the track. */
  bars: number[];
  autoregressive: boolean;
  ignore: boolean;
  mask_bars: number[];
  attributes: Record<string, number>;
  controls: TrackControls;
  bar_attributes: BarMap<Record<string, number>>;
  bar_controls: BarMap<TrackControls>;
}

/** A generation request as written by a user (generation.md §1.3). */
export interface GenerationRequestInput {
  /** One prompt per score track. */
  tracks: TrackPromptInput[];
  config?: InferenceConfigInput;
  controls?: PieceControls;
}

/** A validated generation request. */
export interface GenerationRequest {
  tracks: TrackPrompt[];
  config: InferenceConfig;
  /** Kept (the reference drops them, generation.md §9 B3); genre is canonical. */
  controls: PieceControls;
}

/** The reference's defaults, except `mask_mode` and `model_dim`, which follow the encoder when one is given. */
export function defaultInferenceConfig(tokenizer?: Tokenizer): InferenceConfig {
  return {
    temperature: 1.0,
    seed: -1,
    max_attempts: 3,
    novelty_check: true,
    silence_check: true,
    temperature_escalation: 1.0,
    bars_per_step: 1,
    tracks_per_step: 1,
    model_dim: tokenizer ? defaultModelDim(tokenizer) : 4,
    shuffle: false,
    mask_mode: tokenizer ? defaultMaskMode(tokenizer) : 'token',
    polyphony_hard_limit: 0,
    density_hard_limit: 0,
    strict_controls: false,
    top_p: 1.0,
    top_k: 0,
    mask_p: 0.0,
    mask_k: 0,
  };
}

/**
 * `token` needs a MaskBar token, which no released checkpoint has, so the
 * reference's default fails validation for all of them (§9 B23): fall back to
 * `attention` there.
 */
export function defaultMaskMode(tokenizer: Tokenizer): MaskMode {
  return tokenizer.config().supportsMaskBar ? 'token' : 'attention';
}

/** The smallest window the encoder's NumBars token allows (§1.4 #1), or 4 when it allows any. */
export function defaultModelDim(tokenizer: Tokenizer): number {
  const map = tokenizer.numBarsMap();
  return map && map.length > 0 ? Math.min(...map) : 4;
}

/** `[bar, value]` pairs of a bar map, bars ascending. */
export function barEntries<T>(map: BarMap<T>): Array<[number, T]> {
  return Object.entries(map)
    .map(([bar, value]): [number, T] => [Number(bar), value as T])
    .sort((a, b) => a[0] - b[0]);
}

/** A request that cannot be generated: `problems` lists every problem found, in check order. */
export class RequestValidationError extends Error {
  readonly code = 'INVALID_REQUEST' as const;
  readonly problems: string[];

  constructor(problems: string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid generation request (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RequestValidationError';
    this.problems = problems;
  }
}
