// Training samples (training.md §2–§3), built by the C++ core: one piece in,
// one token sequence out, reproducible from its seed.
import { native } from './native.js';
import { Score } from './score.js';
import { Tokenizer } from './tokenizer.js';

/** Bars marked "future" while training (§3.1); only for encoders with the MaskBar token. */
export interface MaskBarOptions {
  applyProbability?: number;
  /** 0 random, 1 structured, 2 mixed (default). */
  mode?: 0 | 1 | 2;
  barFraction?: number;
  maxLookahead?: number;
}

/** The reference's dataset arguments (§2.1); every field has its default. */
export interface SampleOptions {
  /** Share of infill samples (default 0.75; 0 for encoders without infilling). */
  infillProbability?: number;
  /** Upper bound of the per-cell infill probability (default 0.5). */
  infillBarFraction?: number;
  /** Token cap (default 2048): infill samples retry smaller, autoregressive ones are cropped. */
  maxSeqLen?: number;
  maxTracks?: number;
  minTracks?: number;
  /** Share of a window's bars a track needs notes in (default 0.75). */
  minFillRatio?: number;
  /** Transpositions drawn from [-n, n] on melodic tracks (default 6). */
  maxTranspose?: number;
  velocityMin?: number;
  velocityMax?: number;
  mask?: MaskBarOptions;
  velocityOffProbability?: number;
  microtimingOffProbability?: number;
  /** Dense genre id of the piece (-1 for none). */
  genre?: number;
}

export interface TrainingSample {
  tokens: Int32Array;
  infill: boolean;
  /** Window length in bars (0 when the whole piece was encoded). */
  bars: number;
  tracks: number;
  transpose: number;
  velocityFactor: number;
  /** Infill cells `[track, bar]` of the window. */
  cells: Array<[number, number]>;
  maskedBars: number;
  /** An autoregressive sample cut to maxSeqLen at a random offset. */
  cropped: boolean;
  /** No window fitted: the smallest one, head-clipped. */
  fallback: boolean;
}

/** One training sample of `score` (read at 480 ticks per quarter); the same seed gives the same sample. */
export function trainingSample(tokenizer: Tokenizer, score: Score, options: SampleOptions, seed: number): TrainingSample {
  return native.trainingSample(Tokenizer.handleOf(tokenizer), Score.handleOf(score), options, seed);
}
