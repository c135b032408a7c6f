// The generating commands with no --model: the default model shipped in
// @midigpt/default-model, on a held-out POP909 piece (the README's main job).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Score } from '@midigpt/core';
import { midigpt } from '../../../tests/support/cli.js';
import { expectLegalNotes } from '../../../tests/support/notes.js';
import { repoRoot } from '../../../tests/support/parity.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'midigpt-default-'));
const example = path.join(repoRoot, 'examples/pop909-032.mid');

describe('the embedded default model', () => {
  it('infills without --model, keeping every other bar note for note', () => {
    const out = path.join(tmp, 'infilled.mid');
    const r = midigpt(['infill', example, '-o', out, '--track', '0', '--bars', '12-15', '--seed', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toEqual([out]);
    const before = Score.fromMidi(example).toJSON();
    const after = Score.fromMidi(out).toJSON();
    expect(after.tracks.length).toBe(before.tracks.length);
    let generated = 0;
    after.tracks.forEach((track, t) =>
      track.bars.forEach((bar, b) => {
        if (t === 0 && b >= 12 && b <= 15) {
          generated += expectLegalNotes(after, t, b);
        } else {
          expect(bar.notes, `track ${t} bar ${b}`).toEqual(before.tracks[t]!.bars[b]!.notes);
        }
      }),
    );
    expect(generated).toBeGreaterThan(0);
  });

  it('is listed and described by `midigpt models`', () => {
    const list = JSON.parse(midigpt(['models', 'list', '--json']).stdout);
    expect(list.default.name).toBe('pop909-small');
    expect(list.default.bytes).toBeGreaterThan(1 << 20);
    expect(list.default.bytes).toBeLessThanOrEqual(15_000_000);
    const info = JSON.parse(midigpt(['models', 'info', '--json']).stdout);
    expect(info.model).toBe('default');
    expect(info.config).toMatchObject({ vocab_size: 647, n_embd: 256, n_layer: 4, n_head: 4 });
    expect(info.window_sizes).toEqual([4, 8]);
    // The table shows the numbers --attr takes beside their labels.
    const table = midigpt(['models', 'info']).stdout;
    expect(table).toMatch(/max_polyphony\s+track\s+melodic\s+0 = 1 voice \.\. 9 = 10\+ voices/);
  });

  it('inspect draws the input piece as a PNG, and --preview-bars picks the bars', () => {
    const png = path.join(tmp, 'before.png');
    const r = midigpt(['inspect', example, '--preview', png, '--preview-bars', '8-19', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).bars).toBe(61);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const bad = midigpt(['inspect', example, '--preview', path.join(tmp, 'x.png'), '--preview-bars', '70-80']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('the score has bars 0 to 60');
  });
});
