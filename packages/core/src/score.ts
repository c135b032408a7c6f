// The Score: a piece as tracks of bars of notes (tokenizer.md §1.1), read from
// MIDI or JSON, written back to either. Everything heavy runs in the C++ core.
import { readFileSync, statSync } from 'node:fs';
import { coreError } from './errors.js';
import { native, type NativeScore } from './native.js';
import type { MidiEvents, ScoreInput, ScoreJSON, TrackJSON } from './types.js';

/** Ticks per quarter note that `Score.fromMidi` reads at, like the reference's `Score.from_midi`. */
export const DEFAULT_RESOLUTION: number = native.defaultResolution;

/** Larger inputs are refused before reading: no real MIDI file comes close. */
export const MAX_MIDI_BYTES = 64 * 1024 * 1024;

export interface ReadOptions {
  /** Ticks per quarter note of the score's grid (default 480). */
  resolution?: number;
}

export interface ResampleOptions {
  /** Keep sub-tick timing in each note's `delta`, as encoders with delta tokens expect. */
  useDelta?: boolean;
}

export interface ScoreSummary {
  resolution: number;
  tempo: number;
  bars: number;
  notes: number;
  tracks: Array<{ index: number; name: string; instrument: number; track_type: string; bars: number; notes: number }>;
}

function readInput(input: Uint8Array | string): Uint8Array {
  if (typeof input !== 'string') return input;
  const size = statSync(input).size;
  if (size > MAX_MIDI_BYTES)
    throw coreError('FILE_TOO_LARGE', `${input} is ${size} bytes; MIDI files over ${MAX_MIDI_BYTES >> 20} MiB are not accepted`);
  return readFileSync(input);
}

export class Score {
  readonly #native: NativeScore;
  #json: ScoreJSON | undefined;  // scores are immutable: converted once, on demand

  private constructor(handle: NativeScore) {
    this.#native = handle;
  }

  /** @internal The native handle, for the other classes of this package. */
  static handleOf(score: Score): NativeScore {
    return score.#native;
  }

  /** @internal Wraps a handle returned by the native core. */
  static fromHandle(handle: NativeScore): Score {
    return new Score(handle);
  }

  /** Reads a Standard MIDI File (bytes or a path) onto a grid of `resolution` ticks per quarter. */
  static fromMidi(input: Uint8Array | string, options: ReadOptions = {}): Score {
    return new Score(native.NativeScore.fromMidi(readInput(input), options.resolution ?? DEFAULT_RESOLUTION));
  }

  /** Builds a score from the JSON interchange format (an object or its text); every field is checked. */
  static fromJSON(json: ScoreInput | string): Score {
    return new Score(native.NativeScore.fromJS(typeof json === 'string' ? JSON.parse(json) : json));
  }

  /** Writes a format-1 Standard MIDI File. */
  toMidi(): Uint8Array {
    return this.#native.toMidi();
  }

  /** The score in the interchange format (a fresh copy each call). */
  toJSON(): ScoreJSON {
    return this.#native.toJS();
  }

  /** A copy at another resolution, truncating onsets and durations like the reference's Python path. */
  resample(resolution: number, options: ResampleOptions = {}): Score {
    return new Score(this.#native.resample(resolution, options.useDelta ?? false));
  }

  /** Bars [start, start + bars) of every track (tracks keep their instrument, type, name and attributes). */
  window(start: number, bars: number): Score {
    return new Score(this.#native.window(start, bars));
  }

  get resolution(): number {
    return this.#data().resolution;
  }

  get tempo(): number {
    return this.#data().tempo;
  }

  get tracks(): readonly TrackJSON[] {
    return this.#data().tracks;
  }

  #data(): ScoreJSON {
    return (this.#json ??= this.#native.toJS());
  }

  /** Counts per track, for listings. */
  summary(): ScoreSummary {
    const s = this.#native.summary();
    const tracks = s.tracks.map((t, index) => ({ index, ...t }));
    return {
      resolution: s.resolution,
      tempo: s.tempo,
      bars: Math.max(0, ...tracks.map((t) => t.bars)),
      notes: tracks.reduce((sum, t) => sum + t.notes, 0),
      tracks,
    };
  }
}

/** The events of a MIDI file in its own ticks (tempos, signatures, notes per channel and program). */
export function parseMidiEvents(input: Uint8Array | string): MidiEvents {
  return native.parseMidiEvents(readInput(input));
}
