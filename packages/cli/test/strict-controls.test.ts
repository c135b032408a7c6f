// Strict controls (docs/controls.md) with the default model, as a user runs
// them: each limit holds in every generated bar, measured on the result, where
// the same request without --strict-controls breaks it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BarJSON, ScoreJSON } from '@midigpt/core';
import { midigptAsync } from '../../../tests/support/cli.js';
import { repoRoot } from '../../../tests/support/parity.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'midigpt-strict-'));
const example = path.join(repoRoot, 'examples/pop909-032.mid');
const BARS = [12, 13, 14, 15];
const SEEDS = [1, 2, 3];

// Most notes of the bar sounding at one tick (notes ringing in from earlier bars not counted).
function maxVoices(bar: BarJSON, resolution: number): number {
  const length = Math.round(bar.beat_length * resolution);
  const voices = new Array<number>(length).fill(0);
  for (const [, , onset, duration] of bar.notes) for (let t = onset; t < Math.min(onset + duration, length); t++) voices[t]!++;
  return Math.max(0, ...voices);
}
// The note-duration level (0 = 32nd ... 5 = whole), as the analyzer levels a note.
const level = (duration: number, resolution: number) => Math.trunc(Math.max(0, Math.min(5, Math.log2(Math.max(duration / resolution, 1e-6)) + 3)));

async function infill(name: string, args: string[], seed: number): Promise<ScoreJSON> {
  const out = path.join(tmp, `${name}-${seed}.json`);
  const r = await midigptAsync(['infill', example, '-o', out, '--track', '2', '--bars', '12-15', '--seed', String(seed), ...args]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as ScoreJSON;
}
const generatedBars = (s: ScoreJSON) => BARS.map((b) => s.tracks[2]!.bars[b]!);

describe('--strict-controls', () => {
  it('one voice: no tick of a generated bar has two of its notes sounding (the model alone breaks it)', async () => {
    let loose = 0;
    for (const seed of SEEDS) {
      const attrs = ['--attr', 'min_polyphony=0', '--attr', 'max_polyphony=0'];
      const strict = await infill('voices', [...attrs, '--strict-controls'], seed);
      for (const bar of generatedBars(strict)) {
        expect(bar.notes.length).toBeGreaterThan(0);
        expect(maxVoices(bar, strict.resolution)).toBe(1);
      }
      const free = await infill('voices-free', attrs, seed);
      loose = Math.max(loose, ...generatedBars(free).map((b) => maxVoices(b, free.resolution)));
    }
    expect(loose).toBeGreaterThan(1);
  });

  it('a note-duration range and a pitch range hold for every generated note', async () => {
    for (const seed of SEEDS) {
      const s = await infill('range', ['--attr', 'min_note_duration=2', '--attr', 'max_note_duration=3', '--strict-controls', '--pitch-range', '40-60'], seed);
      for (const bar of generatedBars(s))
        for (const [pitch, , , duration] of bar.notes) {
          expect(pitch).toBeGreaterThanOrEqual(40);
          expect(pitch).toBeLessThanOrEqual(60);
          expect([2, 3]).toContain(level(duration, s.resolution));
        }
    }
  });

  it('--pitch-range takes two pitches, lowest first', async () => {
    const r = await midigptAsync(['infill', example, '-o', path.join(tmp, 'bad.json'), '--track', '2', '--bars', '12', '--pitch-range', '60-40']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--pitch-range takes two MIDI pitches 0-127, lowest first');
  });
});
