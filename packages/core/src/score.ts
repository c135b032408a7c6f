// The Score: a piece as tracks of bars of notes (tokenizer.md §1.1), read from
// MIDI or JSON, written back to either. Everything heavy runs in the C++ core.
import { coreError } from './errors.js';
import { files } from './files.js';
import { native, type NativeScore } from './native.js';
import type { MidiEvents, ScoreInput, ScoreJSON, TrackJSON, TrackType } from './types.js';

/** Ticks per quarter note that `Score.fromMidi` reads at, like the reference's `Score.from_midi`. */
export const DEFAULT_RESOLUTION = 480;

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

/** How `Score.toMidi` writes a score that was read from a MIDI file. */
export interface MidiWriteOptions {
  /**
   * Remove the controller and pitch-bend events of a generated track's channel inside its
   * generated bars (pedals, modulation and bend are released where such a region starts; every
   * controller gets the file's value back where it ends). Default: keep them, so a pedal that
   * was down stays down.
   */
  dropControllers?: boolean;
  /** Ignore the source file and write a new one from the score alone (the reference's way). */
  ignoreSource?: boolean;
}

/** A new, empty track for `Score.addTrack`. */
export interface NewTrack {
  /** General MIDI program 0-127. */
  instrument: number;
  track_type?: TrackType;
  name?: string;
}

// The MIDI file a score was read from, and the (track, bar) cells generated since.
interface MidiSource {
  readonly bytes: Uint8Array;
  readonly generated: ReadonlyArray<readonly [number, number]>;
}

export interface ScoreSummary {
  resolution: number;
  tempo: number;
  bars: number;
  notes: number;
  tracks: Array<{ index: number; name: string; instrument: number; track_type: string; bars: number; notes: number }>;
}

function readInput(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? files.readBytes(input, MAX_MIDI_BYTES) : input;
}

/**
 * A piece as tracks of bars of notes. Immutable: every operation returns a new score.
 *
 * A score read with `fromMidi` remembers its file. Scores derived from it with the same bars
 * (generation results, `addTrack`, `resample`) keep that memory, so `toMidi` writes the file's
 * own events back (controllers, pitch bend, SysEx, markers, its ticks per quarter, ...) and
 * replaces only the generated bars (`generatedCells`) and adds new tracks.
 */
export class Score {
  readonly #native: NativeScore;
  readonly #source: MidiSource | undefined;
  #json: ScoreJSON | undefined;  // scores are immutable: converted once, on demand

  private constructor(handle: NativeScore, source?: MidiSource) {
    this.#native = handle;
    this.#source = source;
  }

  /** @internal The native handle, for the other classes of this package. */
  static handleOf(score: Score): NativeScore {
    return score.#native;
  }

  /** @internal Wraps a handle returned by the native core. */
  static fromHandle(handle: NativeScore): Score {
    return new Score(handle);
  }

  /**
   * @internal Wraps a handle made from `from` with the same bars (or its first `bars` bars), in
   * which `generated` cells (track, bar) were written anew: the result keeps `from`'s source file.
   */
  static derived(from: Score, handle: NativeScore, generated: Iterable<readonly [number, number]> = [], bars = Infinity): Score {
    const source = from.#source;
    if (!source) return new Score(handle);
    const cells = new Map(source.generated.map((c) => [`${c[0]}:${c[1]}`, c]));
    for (const [track, bar] of generated) cells.set(`${track}:${bar}`, [track, bar] as const);
    const kept = [...cells.values()].filter(([, bar]) => bar < bars);  // `bars`: only the first bars remain
    return new Score(handle, { bytes: source.bytes, generated: kept });
  }

  /** Reads a Standard MIDI File (bytes or a path) onto a grid of `resolution` ticks per quarter. */
  static fromMidi(input: Uint8Array | string, options: ReadOptions = {}): Score {
    const bytes = readInput(input);
    const handle = native.NativeScore.fromMidi(bytes, options.resolution ?? DEFAULT_RESOLUTION);
    // A private copy: the caller may reuse its buffer; the score's source must not change.
    return new Score(handle, { bytes: typeof input === 'string' ? bytes : bytes.slice(), generated: [] });
  }

  /** Builds a score from the JSON interchange format (an object or its text); every field is checked. */
  static fromJSON(json: ScoreInput | string): Score {
    return new Score(native.NativeScore.fromJS(typeof json === 'string' ? JSON.parse(json) : json));
  }

  /**
   * Writes a Standard MIDI File. A score read from MIDI (and its generation results) is written
   * over its source file: everything but the generated bars and the new tracks stays exactly as
   * it was, at the file's ticks per quarter. Other scores are written anew (format 1, at their
   * resolution).
   */
  toMidi(options: MidiWriteOptions = {}): Uint8Array {
    if (!this.#source || options.ignoreSource) return this.#native.toMidi();
    return this.#native.toMidiOver(this.#source.bytes, this.#source.generated as Array<[number, number]>, options.dropControllers ?? false).bytes;
  }

  /** True for a score read from MIDI (or derived from one): `toMidi` then keeps the file's events. */
  get hasMidiSource(): boolean {
    return this.#source !== undefined;
  }

  /** The (track, bar) cells generated since the score was read from MIDI (empty otherwise). */
  get generatedCells(): ReadonlyArray<readonly [number, number]> {
    return this.#source?.generated ?? [];
  }

  /**
   * A copy with a new, empty track at the end, its bars shaped like the first track's. A score
   * read from MIDI keeps its source: the new track is written as a new MIDI track.
   */
  addTrack(track: NewTrack): Score {
    const json = this.toJSON();
    const template = json.tracks[0]?.bars;
    if (!template) throw coreError('INVALID_SCORE', 'a score without tracks has no bars to shape a new track on; build it with Score.fromJSON');
    json.tracks.push({
      instrument: track.instrument,
      track_type: track.track_type ?? 'melodic',
      name: track.name ?? '',
      attributes: {},
      bars: template.map((b) => ({ ts: b.ts, beat_length: b.beat_length, future: false, notes: [] })),
    });
    return Score.derived(this, native.NativeScore.fromJS(json));
  }

  /** The score in the interchange format (a fresh copy each call). */
  toJSON(): ScoreJSON {
    return this.#native.toJS();
  }

  /** A copy at another resolution, truncating onsets and durations like the reference's Python path. */
  resample(resolution: number, options: ResampleOptions = {}): Score {
    return Score.derived(this, this.#native.resample(resolution, options.useDelta ?? false));
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
