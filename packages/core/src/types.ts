// The score interchange format: the reference's "score dict" (see
// ../shared/parity/README.md) plus fields it drops (track names, tempo map,
// key signatures). Used by the CLI, the servers and `Score.toJSON()`.

/** `[pitch, velocity, onset, duration, delta]`; onset is counted from the start of the bar, in ticks. */
export type NoteTuple = [pitch: number, velocity: number, onset: number, duration: number, delta: number];

export interface BarJSON {
  /** Time signature `[numerator, denominator]`. */
  ts: [number, number];
  /** Bar length in quarter notes (4 for 4/4, 3 for 6/8). */
  beat_length: number;
  /** Marks a bar as not yet generated. */
  future: boolean;
  notes: NoteTuple[];
}

export type TrackType = 'melodic' | 'drum';

export interface TrackJSON {
  /** General MIDI program 0-127 (drum tracks keep theirs, usually 0). */
  instrument: number;
  track_type: TrackType;
  /** Precomputed attribute-control values, by name. */
  attributes: Record<string, number>;
  bars: BarJSON[];
  /** The MIDI track's name ("" when it had none). */
  name: string;
}

export interface ScoreJSON {
  /** Ticks per quarter note. */
  resolution: number;
  /** Microseconds per quarter note of the first tempo. */
  tempo: number;
  /** `[tick, microseconds_per_quarter]` when the tempo changes; empty for one constant tempo. */
  tempos: [number, number][];
  /** `[tick, key, minor]`, key from -7 (flats) to 7 (sharps), minor 0 or 1. */
  key_signatures: [number, number, number][];
  tracks: TrackJSON[];
}

/** A score as accepted by `Score.fromJSON`: the extra fields may be left out. */
export interface ScoreInput {
  resolution: number;
  tempo?: number;
  tempos?: [number, number][];
  key_signatures?: [number, number, number][];
  tracks: Array<{
    instrument?: number;
    track_type?: TrackType;
    attributes?: Record<string, number>;
    name?: string;
    bars: Array<{
      ts?: [number, number];
      beat_length?: number;
      future?: boolean;
      notes?: Array<[number, number, number, number] | NoteTuple>;
    }>;
  }>;
}

/** What the MIDI file itself holds, in its own ticks, before quantization to bars. */
export interface MidiEvents {
  format: number;
  ticks_per_quarter: number;
  /** `[tick, microseconds_per_quarter]` */
  tempos: [number, number][];
  /** `[tick, numerator, denominator]` */
  time_signatures: [number, number, number][];
  /** `[tick, key, tonality]` */
  key_signatures: [number, number, number][];
  tracks: Array<{
    name: string;
    channel: number;
    program: number;
    is_drum: boolean;
    /** Which track chunk (MTrk) of the file holds it, from 0; a chunk yields one track per channel and program. */
    midi_track: number;
    /** `[tick, duration, pitch, velocity]` */
    notes: [number, number, number, number][];
  }>;
}
