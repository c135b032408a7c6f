// The loop live mode plays: bars of the piece (the selection's, or the first
// four) of its tracks, with each note as fractions of its bar (what the
// server's `/midigpt/note` takes), each bar's time signature from the piece,
// and the tempo where the loop starts. Pure (tested in test/live.test.ts).
import type { Selection } from '../selection.js';
import { durationOf, isDrum, onsetOf, pitchOf, velocityOf, Timeline, type Bar, type Score } from '../score.js';
import type { LiveNote } from './protocol.js';

export type TimeSignature = [numerator: number, denominator: number];

export interface LoopTrack {
  /** The track id sent to the server: the piece's track index. */
  id: number;
  name: string;
  program: number;
  drum: boolean;
  /** Notes of each loop bar. */
  bars: LiveNote[][];
}

export interface LoopBar {
  ts: TimeSignature;
  /** Quarter notes in the bar (from its time signature): its length at a tempo. */
  quarters: number;
}

export interface Loop {
  /** The piece's bars the loop is made of (0-based, inclusive). */
  from: number;
  to: number;
  bars: LoopBar[];
  tracks: LoopTrack[];
  /** Quarter notes per minute where the loop starts. */
  bpm: number;
  /** The piece's ticks per quarter (for drawing). */
  resolution: number;
}

/** Bars a loop takes without a selection. */
export const DEFAULT_LOOP_BARS = 4;
/** Tracks a session holds besides the agent. */
export const MAX_HUMAN_TRACKS = 15;

/** The loop's bars: the selection's, else the first `DEFAULT_LOOP_BARS` (fewer in a shorter piece). */
export function loopRange(selection: Selection | null, bars: number): { from: number; to: number } {
  if (selection) return { from: Math.min(selection.from, selection.to), to: Math.max(selection.from, selection.to) };
  return { from: 0, to: Math.max(0, Math.min(DEFAULT_LOOP_BARS, bars) - 1) };
}

/** A bar's time signature: its own, else one with its length in quarters, else 4/4. */
export function timeSignatureOf(bar: Bar | undefined): TimeSignature {
  if (bar?.ts && bar.ts[0] > 0 && bar.ts[1] > 0) return [bar.ts[0], bar.ts[1]];
  const quarters = bar?.beat_length;
  if (quarters && quarters > 0) {
    if (Number.isInteger(quarters)) return [quarters, 4];
    if (Number.isInteger(quarters * 2)) return [quarters * 2, 8];
    if (Number.isInteger(quarters * 4)) return [quarters * 4, 16];
  }
  return [4, 4];
}

/** Quarter notes per minute at `tick` (the tempo map's, else the score's tempo, else 120). */
export function bpmAt(score: Score, tick: number): number {
  let usPerQuarter = score.tempo ?? 500_000;
  for (const [at, value] of score.tempos ?? []) if (at <= tick) usPerQuarter = value;
  const bpm = 60_000_000 / usPerQuarter;
  return Number.isFinite(bpm) && bpm > 0 ? Math.round(bpm * 10) / 10 : 120;
}

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

/**
 * The loop over `selection`'s bars (or the first four) of the piece's tracks
 * that have notes there (all when none has; at most 15). Throws when the piece
 * has no tracks or no bars.
 */
export function buildLoop(score: Score, selection: Selection | null): Loop {
  const timeline = new Timeline(score);
  if (score.tracks.length === 0 || timeline.bars === 0) throw new Error('the piece has no bars to loop');
  const { from, to } = loopRange(selection, timeline.bars);
  const indexes = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const bars: LoopBar[] = indexes.map((b) => {
    const ts = timeSignatureOf(score.tracks.find((t) => t.bars[b])?.bars[b]);
    return { ts, quarters: (ts[0] * 4) / ts[1] };
  });
  const tracks: LoopTrack[] = score.tracks.map((track, id) => ({
    id,
    name: track.name || `Track ${id + 1}`,
    program: clamp(Math.round(track.instrument ?? 0), 0, 127),
    drum: isDrum(track),
    bars: indexes.map((b) => {
      const ticks = timeline.barStart(b + 1) - timeline.barStart(b);
      if (ticks <= 0) return [];
      return (track.bars[b]?.notes ?? [])
        .filter((n) => velocityOf(n) > 0 && onsetOf(n) >= 0 && onsetOf(n) < ticks && pitchOf(n) >= 0 && pitchOf(n) <= 127)
        .map((n) => ({
          pitch: pitchOf(n),
          velocity: clamp(velocityOf(n), 1, 127),
          onset: onsetOf(n) / ticks,
          duration: clamp(durationOf(n) / ticks, 1 / ticks, 16),
        }));
    }),
  }));
  const sounding = tracks.filter((t) => t.bars.some((bar) => bar.length > 0));
  return { from, to, bars, tracks: (sounding.length > 0 ? sounding : tracks.slice(0, 1)).slice(0, MAX_HUMAN_TRACKS), bpm: bpmAt(score, timeline.barStart(from)), resolution: score.resolution };
}

/** `"bars 5–8, 3 tracks, 4/4"` (bars counted from 1, as the roll shows them). */
export function describeLoop(loop: Loop): string {
  const signatures = [...new Set(loop.bars.map((b) => `${b.ts[0]}/${b.ts[1]}`))].join(' ');
  const bars = loop.from === loop.to ? `bar ${loop.from + 1}` : `bars ${loop.from + 1}–${loop.to + 1}`;
  return `${bars}, ${loop.tracks.length} track${loop.tracks.length === 1 ? '' : 's'}, ${signatures}`;
}
