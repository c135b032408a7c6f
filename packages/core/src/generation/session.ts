// One generation step's prompt, legal-token masks and write-back
// (generation.md §3-§4). The state lives in the C++ core; masks are written
// into a caller-provided buffer so the token loop allocates nothing.
import { native, type NativeSessionState } from '../native.js';
import { Score } from '../score.js';
import { Tokenizer } from '../tokenizer.js';
import type { BarJSON } from '../types.js';
import type { GenerationStep } from './planner.js';

export interface SessionStateOptions {
  /** Hidden bars become empty shells reported as spans (attention mask modes). */
  useSpanMasks?: boolean;
  /** Hidden bars are left out (remove mode). */
  removeFutureBars?: boolean;
  useVelocity?: number;
  useMicrotiming?: number;
  genre?: number;
  /** `[track]`: tracks left out of the prompt entirely (ignored tracks). */
  omittedTracks?: boolean[];
}

/** Constraints besides the grammar (generation.md §4.7). */
export interface StepConstraintOptions {
  /** Track tokens the grammar allows in the whole sequence; -1 = unlimited. */
  maxTracks?: number;
  /** Max notes per onset; 0 = off. */
  polyphonyLimit?: number;
  /** Max notes per bar; 0 = off. */
  densityLimit?: number;
  /** `[tokenType, value]`: if the model emits that attribute token, its value. */
  values?: Array<[string, number]>;
  /** `[tokenType, trackOrdinal, localBar, value]`. */
  barValues?: Array<[string, number, number, number]>;
  /** Per score track: the levels strict controls enforce in its generated bars (docs/controls.md); null = none. */
  strict?: Array<StrictControlOptions | null>;
}

/** Attribute levels (and a pitch range) a generated bar must keep; absent = not asked for. */
export interface StrictControlOptions {
  minPolyphony?: number;
  maxPolyphony?: number;
  minNoteDuration?: number;
  maxNoteDuration?: number;
  noteDensity?: number;
  pitchRange?: [number, number];
}

/**
 * "relaxed": constraints other than the grammar were dropped (latest first) to leave a legal token;
 * "no-legal-token": the grammar allows nothing (the sequence cannot go on); the mask is all zero and
 * the caller should end the step.
 */
export type MaskStatus = 'ok' | 'relaxed' | 'no-legal-token';

export interface GeneratedBar {
  track: number;
  bar: number;
  /** The generated bar at the model resolution. */
  content: BarJSON;
}

export class SessionState {
  readonly #native: NativeSessionState;
  readonly vocabSize: number;

  /** `score` must be on the model grid with attribute values in its tracks (see `Tokenizer.prepare`). */
  constructor(tokenizer: Tokenizer, score: Score, step: GenerationStep, options: SessionStateOptions = {}, constraints: StepConstraintOptions = {}) {
    this.#native = new native.SessionState(Tokenizer.handleOf(tokenizer), Score.handleOf(score), step, options, constraints);
    this.vocabSize = tokenizer.vocabSize;
  }

  /** The tokens fed to the model before it generates. */
  prompt(): Int32Array {
    return this.#native.prompt();
  }

  /** Tokens generated so far. */
  generated(): Int32Array {
    return this.#native.generated();
  }

  /** `[start, end)` prompt positions the model must not attend to. */
  hiddenSpans(): Array<[number, number]> {
    return this.#native.hiddenSpans();
  }

  /** Writes 1 for every legal next token into `allowed` (length >= vocabSize). */
  mask(allowed: Uint8Array): MaskStatus {
    return this.#native.mask(allowed);
  }

  advance(token: number): void {
    this.#native.advance(token);
  }

  /** The step has produced everything it must (the agent's TrackEnd, or every fill-in block). */
  complete(): boolean {
    return this.#native.complete();
  }

  /** The reference's result: the decoded window with the bars outside it, at the model resolution. */
  result(): Score {
    return Score.fromHandle(this.#native.result());
  }

  /** The generated bars, by the caller's track and absolute bar. */
  generatedBars(): GeneratedBar[] {
    return this.#native.generatedBars();
  }
}
