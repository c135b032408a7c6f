// The score JSON the server sends (`ScoreJSON` of @midigpt/core, docs/api.md),
// as far as the studio reads it, and the timeline of its bars.

/** `[pitch, velocity, onset in the bar (ticks), duration (ticks), delta?]` */
export type Note = number[];

export interface Bar {
  ts?: [number, number];
  /** Quarter notes in the bar. */
  beat_length?: number;
  notes: Note[];
}

export interface Track {
  name?: string;
  instrument?: number;
  track_type?: 'melodic' | 'drum';
  bars: Bar[];
}

export interface Score {
  /** Ticks per quarter note. */
  resolution: number;
  /** Microseconds per quarter note (the first tempo). */
  tempo?: number;
  /** `[tick, µs per quarter]` where the tempo changes (ticks on the bar timeline). */
  tempos?: Array<[number, number]>;
  tracks: Track[];
}

export const pitchOf = (note: Note): number => note[0] ?? 0;
export const velocityOf = (note: Note): number => note[1] ?? 0;
export const onsetOf = (note: Note): number => note[2] ?? 0;
export const durationOf = (note: Note): number => note[3] ?? 0;

export const isDrum = (track: Track): boolean => track.track_type === 'drum';

/** Quarter notes in a bar: its `beat_length`, else from its time signature, else 4. */
function quarters(bar: Bar | undefined): number {
  if (!bar) return 4;
  if (bar.beat_length && bar.beat_length > 0) return bar.beat_length;
  if (bar.ts) return (bar.ts[0] * 4) / bar.ts[1];
  return 4;
}

export function barCount(score: Score): number {
  return Math.max(0, ...score.tracks.map((t) => t.bars.length));
}

export function noteCount(score: Score): number {
  let n = 0;
  for (const track of score.tracks) for (const bar of track.bars) n += bar.notes.length;
  return n;
}

/** Bar starts in ticks (bars back to back), tick <-> seconds through the tempo map. */
export class Timeline {
  /** `starts[b]` is bar b's first tick; `starts[barCount]` is the end of the piece. */
  readonly starts: number[];
  private readonly tempos: Array<{ tick: number; seconds: number; secondsPerTick: number }>;

  constructor(readonly score: Score) {
    const bars = barCount(score);
    const longest = score.tracks.find((t) => t.bars.length === bars);
    this.starts = [0];
    for (let b = 0; b < bars; b++) this.starts.push(this.starts[b]! + Math.round(quarters(longest?.bars[b]) * score.resolution));
    const map = score.tempos && score.tempos.length > 0 ? score.tempos : [[0, score.tempo ?? 500_000] as [number, number]];
    this.tempos = [];
    let seconds = 0;
    map.forEach(([tick, usPerQuarter], i) => {
      const previous = this.tempos[i - 1];
      if (previous) seconds += (tick - previous.tick) * previous.secondsPerTick;
      this.tempos.push({ tick, seconds, secondsPerTick: usPerQuarter / 1e6 / score.resolution });
    });
  }

  get bars(): number {
    return this.starts.length - 1;
  }

  get endTick(): number {
    return this.starts[this.starts.length - 1]!;
  }

  barStart(bar: number): number {
    return this.starts[Math.max(0, Math.min(bar, this.bars))]!;
  }

  /** The bar a tick falls in (the last bar for the end). */
  barAt(tick: number): number {
    let lo = 0;
    let hi = this.bars - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= tick) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  seconds(tick: number): number {
    const t = this.tempoAt((e) => e.tick <= tick);
    return t.seconds + (tick - t.tick) * t.secondsPerTick;
  }

  tick(seconds: number): number {
    const t = this.tempoAt((e) => e.seconds <= seconds);
    return t.tick + (seconds - t.seconds) / t.secondsPerTick;
  }

  private tempoAt(before: (e: { tick: number; seconds: number }) => boolean) {
    let found = this.tempos[0]!;
    for (const e of this.tempos) if (before(e)) found = e;
    return found;
  }
}
