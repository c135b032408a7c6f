// The pure parts of scripts/control-adherence.mjs: rank correlation, level
// statistics, and the per-bar measures its strict bounds are checked with.
import { describe, expect, it } from 'vitest';
import {
  adherenceSection, degenerate, durationLevel, levelStats, maxVoices, ranks, spearman, voiceLevel,
} from '../scripts/control-adherence.mjs';

describe('control-adherence.mjs', () => {
  it('ranks ties by the mean of their ranks and correlates ranks (Spearman)', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1);  // monotone, not linear
    expect(spearman([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1);
    // Textbook example with ties: ranks x = [1, 2.5, 2.5, 4], y = [1, 2, 3, 4].
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9487, 4);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('counts exact and within-one levels', () => {
    const s = levelStats([[0, 0], [2, 3], [4, 1], [6, 6]]);
    expect(s).toMatchObject({ n: 4, exact: 0.5, within_one: 0.75 });
    expect(s.spearman).toBeCloseTo(0.8);
  });

  it('measures a bar alone as the analyzer does: voices per tick, duration levels', () => {
    // [pitch, velocity, onset, duration]: a 3-note chord, then a note that rings past the bar end.
    const notes = [[60, 90, 0, 480], [64, 90, 0, 480], [67, 90, 0, 240], [72, 90, 1800, 960]];
    expect(maxVoices(notes, 1920)).toBe(3);
    expect(maxVoices([[60, 90, 0, 240], [62, 90, 240, 240]], 1920)).toBe(1);  // end and onset on one tick: not together
    expect(maxVoices([], 1920)).toBe(0);
    expect(voiceLevel(0)).toBe(0);
    expect(voiceLevel(3)).toBe(2);
    expect(voiceLevel(14)).toBe(9);
    expect([60, 120, 240, 480, 960, 1920, 7680].map((d) => durationLevel(d, 480))).toEqual([0, 1, 2, 3, 4, 5, 5]);
    expect(durationLevel(479, 480)).toBe(2);
  });

  it('calls an infill degenerate as infill-quality.mjs does', () => {
    const note = (p: number) => [p, 90, 0, 120];
    expect(degenerate([[], []], [[note(60)], []])).toBe(true);
    expect(degenerate([[], [note(60)]], [[note(60)], [note(62)]])).toBe(false);
    expect(degenerate([[note(60), note(60)], [note(60), note(60)]], [[note(60)], [note(62)]])).toBe(true);
  });

  it('renders a card section from a summary', () => {
    const c = { n: 1, exact: 1, within_one: 1, spearman: NaN };
    const g = { ...c, bound_bars: 1, in_key: 0.9, degenerate: 0 };
    const summary = {
      model: 'm.onnx', contexts: 1, generations: 3, held_out_pieces: 1, window_bars: 8, bars_per_infill: 2, threads: 2, seconds: 1,
      attributes: { max_polyphony: { soft: g, strict: g, none: { ...g, bound_bars: undefined }, real: c, by_level: { soft: { 0: 0 }, strict: { 0: 0 } } } },
      strict_bounds: { max_polyphony: 1, note_duration: 1, note_density: 1 },
      overall: { soft: { in_key: 0.9, degenerate: 0 }, strict: { in_key: 0.9, degenerate: 0 }, none: { in_key: 0.9, degenerate: 0 } },
    };
    const md = adherenceSection(summary);
    expect(md).toContain('## Control adherence');
    expect(md).toContain('| max_polyphony | strict | 1 | 100.0 % | 100.0 % | n/a | 100.0 % | 90.0 % | 0.0 % |');
  });
});
