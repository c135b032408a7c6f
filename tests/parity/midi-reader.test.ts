// MIDI reading parity with the reference (parity/midi_reader.json.gz): the
// score at resolution 480 (`Score.from_midi`) and the raw events symusic saw.
import { afterAll, describe, expect, it } from 'vitest';
import { Score, parseMidiEvents } from '@midigpt/core';
import { parityFile, parityMidiFiles, parityMidiPath, printParityReport, referenceScore, type ReferenceReaderFile } from '../support/parity.js';

const reference = parityFile<{ files: Record<string, ReferenceReaderFile> }>('midi_reader.json.gz').files;
const files = parityMidiFiles();
const matched = { score: 0, events: 0, notes: 0, referenceNotes: 0 };

describe('MIDI reader parity (resolution 480)', () => {
  it('covers every parity MIDI file', () => {
    expect(Object.keys(reference).sort()).toEqual(files);
  });

  it.each(files)('%s: tracks, bars, time signatures and every note match', (name) => {
    const expected = referenceScore(reference[name]!.midigpt_reader_res480);
    const actual = Score.fromMidi(parityMidiPath(name)).toJSON();
    const comparable = {
      resolution: actual.resolution,
      tempo: actual.tempo,
      tracks: actual.tracks.map(({ name: _name, ...t }) => t),
    };
    const notes = expected.tracks.reduce((n, t) => n + t.bars.reduce((m, b) => m + b.notes.length, 0), 0);
    matched.referenceNotes += notes;
    expect(comparable).toEqual(expected);
    matched.score += 1;
    matched.notes += notes;
  });

  it.each(files)('%s: raw events match what symusic parsed', (name) => {
    const raw = reference[name]!.symusic_raw;
    const events = parseMidiEvents(parityMidiPath(name));
    expect(events.ticks_per_quarter).toBe(raw.ticks_per_quarter);
    expect(events.tempos).toEqual(raw.tempos);
    expect(events.time_signatures).toEqual(raw.time_signatures);
    expect(events.key_signatures).toEqual(raw.key_signatures);
    expect(
      events.tracks.map((t) => ({ name: t.name, program: t.program, is_drum: t.is_drum, notes: t.notes.map(([time, dur, pitch, vel]) => [time, dur, pitch, vel]) })),
    ).toEqual(raw.tracks);
    matched.events += 1;
  });
});

afterAll(() => {
  printParityReport('MIDI reader parity with the reference (midi_reader.json.gz)', [
    ['files: score at resolution 480', matched.score, files.length],
    ['files: raw events (symusic)', matched.events, files.length],
    ['notes in matching files', matched.notes, matched.referenceNotes],
  ]);
});
