// Lossless edits: a generated file keeps everything of the input that was not
// generated. Every parity MIDI file gets one infill region and one new track
// from the default model; Debian's `midicsv` (an independent parser) then
// shows that the output's events outside the generated cells are the input's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMidiEvents, Score } from '@midigpt/core';
import { defaultModelPath } from '@midigpt/default-model';
import { InferenceEngine } from '@midigpt/inference';
import { barStarts, midicsv, noteKey, nonNoteEvents, pairNotes, type PairedNote } from '../support/midicsv.js';
import { parityMidiFiles, parityMidiPath } from '../support/parity.js';

const dir = mkdtempSync(path.join(tmpdir(), 'midigpt-lossless-'));
let engine: InferenceEngine;

beforeAll(async () => {
  engine = await InferenceEngine.fromOnnx(defaultModelPath, { threads: 1 });
});
afterAll(async () => {
  await engine.release();
});

const files = parityMidiFiles().filter((name) => Score.fromMidi(parityMidiPath(name)).summary().notes > 0);

// The track to infill: the first with notes; two bars from the middle of its notes.
function target(score: Score): { track: number; bars: number[] } {
  const track = score.tracks.findIndex((t) => t.bars.some((b) => b.notes.length > 0));
  const withNotes = score.tracks[track]!.bars.flatMap((b, i) => (b.notes.length ? [i] : []));
  const first = withNotes[Math.floor(withNotes.length / 2)]!;
  const last = Math.min(first + 1, score.tracks[track]!.bars.length - 1);
  return { track, bars: first === last ? [first] : [first, last] };
}

// Every track listed (unlisted ones are refused by the library today), in the encoder's 4-bar
// window. Dense pieces of many tracks do not fit the small model's 1024 positions: there only the
// target is shown (the others are still written back, which is what this test is about).
function request(score: Score, track: number, bars: number[]) {
  const crowded = score.tracks.length > 4;
  return {
    tracks: score.tracks.map((_, id) => ({ id, bars: id === track ? bars : [], ...(crowded && id !== track ? { ignore: true } : {}) })),
    config: { seed: 1, model_dim: 4 },
  };
}

// The result's notes of `bars` of one track in the file's ticks (onsets on the model grid map exactly).
function expectedOnsets(result: Score, track: number, bars: number[], starts: number[], division: number): string[] {
  const json = result.toJSON();
  return bars
    .flatMap((b) => json.tracks[track]!.bars[b]!.notes.map(([pitch, velocity, onset]) => `${starts[b]! + (onset * division) / json.resolution} ${pitch} ${velocity}`))
    .sort();
}

const onsetKey = (n: PairedNote) => `${n.on} ${n.pitch} ${n.velocity}`;

describe('infill keeps everything outside the generated cells (every parity file, checked with midicsv)', () => {
  it.each(files)('%s', async (name) => {
    const input = parityMidiPath(name);
    const score = Score.fromMidi(input);
    const { track, bars } = target(score);
    const result = await engine.generate(score, request(score, track, bars));
    const output = path.join(dir, `infill-${name}`);
    writeFileSync(output, result.score.toMidi());

    const before = midicsv(input);
    const after = midicsv(output);
    expect([after.format, after.division, after.chunks]).toEqual([before.format, before.division, before.chunks]);
    expect(nonNoteEvents(after)).toEqual(nonNoteEvents(before));

    // The target track is one channel and program of one MIDI track chunk.
    const source = parseMidiEvents(input).tracks[track]!;
    const beforeNotes = pairNotes(before);
    const starts = barStarts(before, beforeNotes);
    const from = starts[bars[0]!]!;
    const to = starts[bars[bars.length - 1]! + 1]!;
    const inCells = (n: PairedNote) =>
      n.chunk === source.midi_track && n.channel === source.channel && n.program === source.program && n.on >= from && n.on < to;
    const afterNotes = pairNotes(after);
    expect(afterNotes.filter((n) => !inCells(n)).map(noteKey).sort()).toEqual(beforeNotes.filter((n) => !inCells(n)).map(noteKey).sort());
    const generated = afterNotes.filter(inCells);
    expect(generated.map(onsetKey).sort()).toEqual(expectedOnsets(result.score, track, bars, starts, before.division));
    for (const n of generated) expect(n.off).toBeGreaterThan(n.on);
  });
});

describe('generate keeps every input event and puts the new track on its own channel (every parity file)', () => {
  it.each(files)('%s', async (name) => {
    const input = parityMidiPath(name);
    const score = Score.fromMidi(input).addTrack({ instrument: 33, name: 'bass' });
    const agent = score.tracks.length - 1;
    const bars = [0, 1];
    const result = await engine.generate(score, request(score, agent, bars));
    const output = path.join(dir, `generate-${name}`);
    writeFileSync(output, result.score.toMidi());

    const before = midicsv(input);
    const after = midicsv(output);
    expect(after.division).toBe(before.division);
    expect(after.chunks).toBe(before.chunks + 1);
    expect(after.format).toBe(1);
    const newChunk = before.chunks;
    const kept = (events: typeof after.events) => events.filter((e) => e.chunk < newChunk).map((e) => `${e.chunk} ${e.tick} ${e.type} ${e.fields}`);
    expect(kept(after.events)).toEqual(kept(before.events));

    const used = new Set(before.events.filter((e) => e.type.endsWith('_c')).map((e) => Number(e.fields.split(', ')[0])));
    const added = after.events.filter((e) => e.chunk === newChunk);
    expect(added.find((e) => e.type === 'Title_t')?.fields).toBe('"bass"');
    const program = added.find((e) => e.type === 'Program_c')!;
    expect(program.tick).toBe(0);
    const [channel, instrument] = program.fields.split(', ').map(Number);
    expect(instrument).toBe(33);
    expect(used.has(channel!)).toBe(false);
    expect(channel).not.toBe(9);
    const notes = pairNotes(after).filter((n) => n.chunk === newChunk);
    expect(notes.every((n) => n.channel === channel)).toBe(true);
    const starts = barStarts(before, pairNotes(before));
    expect(notes.map(onsetKey).sort()).toEqual(expectedOnsets(result.score, agent, bars, starts, before.division));
  });
});
