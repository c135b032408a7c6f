// What a generated bar holds, sent to clients (realtime.md §1.10), and the
// conversion of the model's notes to bar fractions and to the piece's grid.
import type { BarJSON } from '@midigpt/core';
import { barTicks, type BarNote, type LiveTrack, type StoredNote, type TimeSignature } from './piece.js';

/** `/midigpt/generated/features`, in the reference's argument order. */
export interface BarFeatures {
  note_density: number;
  mean_pitch: number;
  mean_velocity: number;
  max_polyphony: number;
  mean_duration: number;
  min_polyphony: number;
  min_note_duration: number;
  max_note_duration: number;
}

/** Ticks per quarter note of `min/max_note_duration` (the reference used the decoder's undocumented grid). */
export const FEATURE_RESOLUTION = 480;

export interface GeneratedBar {
  ts: TimeSignature;
  /** Velocity > 0 only; onset and duration as fractions of the bar. */
  notes: BarNote[];
  /** The same notes on the piece's grid, for later prompts (§6 item 1). */
  stored: StoredNote[];
  /** Null for a bar without notes. */
  features: BarFeatures | null;
}

/** Octave moves into the agent's pitch range, or null when the range holds no octave of the pitch. */
function fitPitch(pitch: number, track: LiveTrack): number | null {
  let p = pitch;
  while (p < track.minPitch && p + 12 <= 127) p += 12;
  while (p > track.maxPitch && p - 12 >= 0) p -= 12;
  return p >= track.minPitch && p <= track.maxPitch ? p : null;
}

export function readGeneratedBar(bar: BarJSON, resolution: number, pieceResolution: number, track: LiveTrack): GeneratedBar {
  const ts: TimeSignature = [bar.ts[0], bar.ts[1]];
  const ticks = barTicks(ts, resolution);
  const pieceTicks = barTicks(ts, pieceResolution);
  const kept: Array<{ pitch: number; velocity: number; onset: number; duration: number }> = [];
  for (const [rawPitch, velocity, onset, duration] of bar.notes) {
    if (velocity <= 0) continue;
    const pitch = fitPitch(rawPitch, track);
    if (pitch !== null) kept.push({ pitch, velocity, onset, duration });
  }
  const notes = kept.map((n) => ({
    pitch: n.pitch,
    velocity: n.velocity,
    onset: Math.min(Math.max(n.onset / ticks, 0), 0.9999),
    duration: Math.min(Math.max(n.duration / ticks, 0.0001), 1),
  }));
  const stored = notes.map((n) => ({
    pitch: n.pitch,
    velocity: n.velocity,
    onset: Math.min(Math.floor(n.onset * pieceTicks), pieceTicks - 1),
    duration: Math.max(1, Math.round(n.duration * pieceTicks)),
  }));
  return { ts, notes, stored, features: features(kept, ts, ticks, resolution) };
}

function features(notes: Array<{ pitch: number; velocity: number; onset: number; duration: number }>, ts: TimeSignature, ticks: number, resolution: number): BarFeatures | null {
  if (notes.length === 0) return null;
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const byOnset = new Map<number, number>();
  for (const n of notes) byOnset.set(n.onset, (byOnset.get(n.onset) ?? 0) + 1);
  const polyphony = [...byOnset.values()];
  const durations = notes.map((n) => Math.round((n.duration * FEATURE_RESOLUTION) / resolution));
  const quarters = (ts[0] * 4) / ts[1];
  return {
    // Notes per quarter note (§6 item 13: the reference divided by the numerator, so 6/8 counted eighths).
    note_density: notes.length / quarters,
    mean_pitch: mean(notes.map((n) => n.pitch)),
    mean_velocity: mean(notes.map((n) => n.velocity)),
    max_polyphony: Math.max(...polyphony),
    mean_duration: mean(notes.map((n) => n.duration / ticks)),
    min_polyphony: Math.min(...polyphony),
    min_note_duration: Math.min(...durations),
    max_note_duration: Math.max(...durations),
  };
}
