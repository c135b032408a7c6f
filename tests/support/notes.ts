// Checks on generated music shared by the CLI tests.
import { expect } from 'vitest';
import type { ScoreJSON } from '@midigpt/core';

/** Every note of one bar is a legal, in-range note of that bar; returns how many there are. */
export function expectLegalNotes(score: ScoreJSON, track: number, bar: number): number {
  const b = score.tracks[track]!.bars[bar]!;
  const length = b.beat_length * score.resolution;
  for (const [pitch, velocity, onset, duration] of b.notes) {
    expect(pitch).toBeGreaterThanOrEqual(0);
    expect(pitch).toBeLessThanOrEqual(127);
    expect(velocity).toBeGreaterThanOrEqual(1);
    expect(velocity).toBeLessThanOrEqual(127);
    expect(onset).toBeGreaterThanOrEqual(0);
    expect(onset).toBeLessThan(length);
    expect(duration).toBeGreaterThan(0);
  }
  return b.notes.length;
}
