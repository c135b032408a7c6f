// `midigpt score F --json` against the reference reader, for every parity file.
import { describe, expect, it } from 'vitest';
import type { ScoreJSON } from '@midigpt/core';
import { midigpt } from '../support/cli.js';
import { parityFile, parityMidiFiles, parityMidiPath, referenceScore, type ReferenceReaderFile } from '../support/parity.js';

const reference = parityFile<{ files: Record<string, ReferenceReaderFile> }>('midi_reader.json.gz').files;

describe('midigpt score --json matches the reference reader', () => {
  it.each(parityMidiFiles())('%s', (name) => {
    const run = midigpt(['score', parityMidiPath(name), '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const score = JSON.parse(run.stdout) as ScoreJSON;
    const expected = referenceScore(reference[name]!.midigpt_reader_res480);
    expect(score.resolution).toBe(expected.resolution);
    expect(score.tempo).toBe(expected.tempo);
    expect(score.tracks.map(({ name: _n, ...t }) => t)).toEqual(expected.tracks);
  });
});
