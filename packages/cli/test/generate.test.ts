// The generating commands, spawned as a user runs them, with the tiny parity
// model standing in for a real one.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMidiEvents, Score, type ScoreJSON } from '@midigpt/core';
import { midigpt, midigptBytes } from '../../../tests/support/cli.js';
import { midicsv } from '../../../tests/support/midicsv.js';
import { expectLegalNotes } from '../../../tests/support/notes.js';
import { parityDir, parityMidiPath, repoRoot } from '../../../tests/support/parity.js';
import { convertToOnnx, readSafetensorsCheckpoint } from '@midigpt/inference';

const tmp = mkdtempSync(path.join(tmpdir(), 'midigpt-gen-'));
const model = path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors');
const input = parityMidiPath('edge_drums_and_melodic.mid');
const out = (name: string) => path.join(tmp, name);

function checkGeneratedBar(score: ScoreJSON, track: number, bar: number): void {
  expect(expectLegalNotes(score, track, bar)).toBeGreaterThan(0);
}

describe('midigpt infill', () => {
  it('keeps every other bar note for note and writes legal notes into the targets', () => {
    const r = midigpt(['infill', input, '-o', out('infill.mid'), '--track', '0', '--bars', '2-3', '--model', model, '--seed', '1', '--top-p', '0.9', '--polyphony-limit', '2']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/infill\.mid: 2 step\(s\), \d+ tokens/);
    const before = Score.fromMidi(input).toJSON();
    const after = Score.fromMidi(out('infill.mid')).toJSON();
    before.tracks.forEach((t, ti) =>
      t.bars.forEach((b, bi) => {
        if (ti === 0 && (bi === 2 || bi === 3)) checkGeneratedBar(after, 0, bi);
        else expect({ ti, bi, notes: after.tracks[ti]!.bars[bi]?.notes }).toEqual({ ti, bi, notes: b.notes });
      }),
    );
  });

  it('writes ranked variations and reports them as JSON', () => {
    const r = midigpt(['infill', input, '-o', out('v.json'), '-t', '1', '-b', '1', '--model', model, '--seed', '4', '--variations', '2', '--json', '--polyphony-limit', '2']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.outputs).toEqual([out('v-1.json'), out('v-2.json')]);
    expect(report.log_likelihoods[0]).toBeGreaterThanOrEqual(report.log_likelihoods[1]);
    for (const file of report.outputs) checkGeneratedBar(JSON.parse(readFileSync(file, 'utf8')), 1, 1);
  });
});

describe('midigpt generate and run', () => {
  it('adds a track against the others and leaves them unchanged', () => {
    const r = midigpt(['generate', input, '-o', out('bass.mid'), '--program', '33', '--model', model, '--seed', '2', '--polyphony-limit', '1', '--density-limit', '6']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const before = Score.fromMidi(input).toJSON();
    const after = Score.fromMidi(out('bass.mid')).toJSON();
    expect(after.tracks).toHaveLength(3);
    expect(after.tracks[2]!.instrument).toBe(33);
    for (const [ti, t] of before.tracks.entries()) for (const [bi, b] of t.bars.entries()) expect(after.tracks[ti]!.bars[bi]!.notes).toEqual(b.notes);
  });

  it('runs a request file (tracks it leaves out are context)', () => {
    const request = out('request.json');
    writeFileSync(request, JSON.stringify({ tracks: [{ id: 1, bars: [5] }], config: { model_dim: 4, seed: 0, polyphony_hard_limit: 2 } }));
    const r = midigpt(['run', input, '--request', request, '-o', out('run.json'), '--model', model]);
    expect(r.status).toBe(0);
    checkGeneratedBar(JSON.parse(readFileSync(out('run.json'), 'utf8')), 1, 5);
  });
});

describe('bad generation requests', () => {
  const existing = out('existing.mid');
  writeFileSync(existing, 'keep');
  const notModel = out('model.safetensors');
  writeFileSync(notModel, 'not a model');
  const base = (extra: string[]) => ['infill', input, '-o', out('x.mid'), '--model', model, ...extra];
  it.each([
    [base(['-t', '0', '-b', '2', '--preview', out('r.png'), '--preview-bars', '9-3']), 2, '--preview-bars takes a range like 8-19'],
    [base(['-t', '0']), 2, 'give one --bars for every --track'],
    [base([]), 2, 'name at least one --track'],
    [base(['-t', '7', '-b', '2']), 2, 'the score has tracks 0 to 1'],
    [base(['-t', '0', '-b', '2-x']), 2, 'bars must look like 4-7'],
    [base(['-t', '0', '-b', '40']), 1, 'out of range'],
    [base(['-t', '0', '-b', '2', '--attr', 'loudness=3']), 1, 'unknown attribute'],
    [base(['-t', '0', '-b', '2', '--attr', 'max_polyphony']), 2, '--attr takes name=value'],
    [base(['-t', '0', '-b', '2', '--mask-mode', 'blur']), 1, 'mask_mode'],
    [base(['-t', '0', '-b', '2', '--top-p', 'lots']), 2, '--top-p must be a number'],
    [['infill', input, '-o', existing, '--model', model, '-t', '0', '-b', '2'], 2, 'exists; use --force'],
    [['infill', input, '-o', input, '--model', model, '-t', '0', '-b', '2', '--force'], 2, 'over its own input'],
    [['infill', input, '-o', out('x.txt'), '--model', model, '-t', '0', '-b', '2'], 2, 'must end in .mid, .midi or .json'],
    [['infill', input, '-o', out('x.mid'), '--model', notModel, '-t', '0', '-b', '2'], 1, 'does not fit in the file'],
    [['infill', input, '-o', out('x.mid'), '--model', 'yellow-huge', '-t', '0', '-b', '2'], 2, 'not a model name'],
    [['infill', input, '-o', path.join(tmp, 'no-such-dir', 'x.mid'), '--model', model, '-t', '0', '-b', '2', '--polyphony-limit', '2'], 1, 'no such file'],
    [['generate', '-o', out('x.mid'), '--model', model], 2, 'give an input file or --empty'],
    [['generate', input, '-o', out('x.mid'), '--model', model, '--program', '200'], 2, '--program must be from 0 to 127'],
  ])('%j exits %i with a clear message', (args, status, message) => {
    const r = midigpt(args as string[]);
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a model whose encoder does not match its vocabulary is refused clearly', () => {
    const checkpoint = readSafetensorsCheckpoint(model);
    const prism = readFileSync(path.join(repoRoot, 'packages/core/encoders/prism_encoder.json'), 'utf8');
    const mismatched = out('mismatched.onnx');
    writeFileSync(mismatched, convertToOnnx({ ...checkpoint, encoderConfig: prism }));
    const r = midigpt(['infill', input, '-o', out('m.mid'), '--model', mismatched, '-t', '0', '-b', '2']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('do not belong together');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('left the existing file alone', () => {
    expect(readFileSync(existing, 'utf8')).toBe('keep');
    expect(existsSync(out('x.mid'))).toBe(false);
  });
});

describe('--preview', () => {
  it('draws only --preview-bars, numbered as in the score', () => {
    const svg = out('part.svg');
    const args = ['infill', input, '-t', '0', '-b', '2', '--model', model, '--seed', '1', '--polyphony-limit', '2', '-o', out('p4.mid')];
    expect(midigpt([...args, '--preview', svg, '--preview-bars', '1-3']).status).toBe(0);
    const labels = [...readFileSync(svg, 'utf8').matchAll(/fill="#666">(\d+)</g)].map((m) => Number(m[1]));
    expect(labels).toEqual([1, 2, 3]);
  });

  it('draws the result as SVG or PNG with the generated bars highlighted', () => {
    const svg = out('roll.svg');
    const png = out('roll.png');
    const args = ['infill', input, '-t', '0', '-b', '2', '--model', model, '--seed', '1', '--polyphony-limit', '2'];
    expect(midigpt([...args, '-o', out('p1.mid'), '--preview', svg]).status).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('fill="#fff3b0"'); // the highlighted bar
    expect(midigpt([...args, '-o', out('p2.mid'), '--preview', png]).status).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const bad = midigpt([...args, '-o', out('p3.mid'), '--preview', out('roll.gif')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('must end in .svg or .png');
  });
});

describe('edits keep the input file (default model)', () => {
  const song = path.join(repoRoot, 'examples', 'pop909-032.mid');
  const maestro = parityMidiPath('Maestro_1.mid');
  const notesByBar = (file: string, track: number) => Score.fromMidi(file).toJSON().tracks[track]!.bars.map((b) => b.notes.length);

  it('generate --bars 0-15 writes a new track for those bars only; the others stay as they were', () => {
    const r = midigpt(['generate', song, '-o', out('bass-0-15.mid'), '--program', '33', '--bars', '0-15', '--seed', '1']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const counts = notesByBar(out('bass-0-15.mid'), 3);
    expect(counts).toHaveLength(61);
    expect(counts.slice(0, 16).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(counts.slice(16).every((n) => n === 0)).toBe(true);
    const before = Score.fromMidi(song).toJSON();
    const after = Score.fromMidi(out('bass-0-15.mid')).toJSON();
    for (const [ti, t] of before.tracks.entries()) expect(after.tracks[ti]!.bars).toEqual(t.bars);
  });

  it('generate --drums --bars 8-15 (the documented example) writes drums on channel 10 in those bars', () => {
    const r = midigpt(['generate', song, '-o', out('drums.mid'), '--drums', '--bars', '8-15', '--seed', '1']);
    expect(r.status).toBe(0);
    const drums = parseMidiEvents(out('drums.mid')).tracks.find((t) => t.is_drum)!;
    expect(drums.channel).toBe(9);
    const counts = notesByBar(out('drums.mid'), 3);
    expect(counts.slice(8, 16).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(counts.filter((_, b) => b < 8 || b > 15).every((n) => n === 0)).toBe(true);
  });

  it('generate --track N --bars a-b inside the piece rewrites just those bars of the track', () => {
    const r = midigpt(['generate', song, '-o', out('melody.mid'), '--track', '0', '--bars', '8-11', '--seed', '1']);
    expect(r.status).toBe(0);
    const before = Score.fromMidi(song).toJSON().tracks[0]!.bars;
    const after = Score.fromMidi(out('melody.mid')).toJSON().tracks[0]!.bars;
    before.forEach((b, i) => (i >= 8 && i <= 11 ? expectLegalNotes(Score.fromMidi(out('melody.mid')).toJSON(), 0, i) : expect(after[i]).toEqual(b)));
  });

  it('a request that asks for autoregressive bars before the end keeps the reference rule', () => {
    const request = out('ar-middle.json');
    writeFileSync(request, JSON.stringify({ tracks: [{ id: 0, bars: [8, 9], autoregressive: true }] }));
    const r = midigpt(['run', song, '--request', request, '-o', out('ar-middle.mid')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('autoregressive bars must be the last bars of the track');
  });

  it('infill keeps the pedal and the ticks per quarter of a piano performance; --drop-controllers clears the region', () => {
    const pedal = (file: string) => midicsv(file).events.filter((e) => e.type === 'Control_c');
    const bar = 4 * 384; // Maestro_1 is 4/4 at 384 ticks per quarter
    const inRegion = (e: { tick: number }) => e.tick >= 4 * bar && e.tick < 8 * bar;
    const kept = midigpt(['infill', maestro, '-o', out('maestro.mid'), '-t', '0', '-b', '4-7', '--seed', '1']);
    expect(kept.status).toBe(0);
    expect(midicsv(out('maestro.mid')).division).toBe(384);
    expect(pedal(out('maestro.mid'))).toEqual(pedal(maestro));
    expect(pedal(maestro).filter(inRegion).length).toBeGreaterThan(100);

    const dropped = midigpt(['infill', maestro, '-o', out('maestro-dry.mid'), '-t', '0', '-b', '4-7', '--seed', '1', '--drop-controllers']);
    expect(dropped.status).toBe(0);
    const after = pedal(out('maestro-dry.mid'));
    expect(after.filter((e) => !inRegion(e) && e.tick !== 8 * bar)).toEqual(pedal(maestro).filter((e) => !inRegion(e) && e.tick !== 8 * bar));
    // Inside the region at most the releases at its start remain; nothing is held down there.
    expect(after.filter((e) => inRegion(e) && (e.tick > 4 * bar || !/, 0$/.test(e.fields)))).toEqual([]);
  });

  it('a score JSON input is written as before (no MIDI source: 480 ticks per quarter)', () => {
    const json = out('song.json');
    writeFileSync(json, midigpt(['score', maestro, '--json']).stdout);
    const r = midigpt(['infill', json, '-o', out('from-json.mid'), '-t', '0', '-b', '4-5', '--seed', '1']);
    expect(r.status).toBe(0);
    expect(midicsv(out('from-json.mid')).division).toBe(480);
    expect(controllerCount(out('from-json.mid'))).toBe(0);
  });
});

const controllerCount = (file: string) => midicsv(file).events.filter((e) => e.type === 'Control_c').length;

describe('what a newcomer tried (default model)', () => {
  const song = path.join(repoRoot, 'examples', 'pop909-032.mid');
  const bell = parityMidiPath('piano_bell.mid');
  const barsOf = (file: string) => Score.fromMidi(file).summary().bars;

  it('a generated note never makes the piece longer (infill of the last bars, a continuation to the end)', () => {
    expect(midigpt(['infill', bell, '-o', out('bell.mid'), '-t', '0', '-b', '0-3', '--seed', '1']).status).toBe(0);
    expect(barsOf(out('bell.mid'))).toBe(4);
    expect(midigpt(['generate', song, '-o', out('tail.mid'), '--program', '33', '--bars', '45-60', '--seed', '1']).status).toBe(0);
    expect(barsOf(out('tail.mid'))).toBe(61);
  });

  it('a generated result keeps its bar count through JSON and toMidi', () => {
    expect(midigpt(['infill', bell, '-o', out('bell.json'), '-t', '0', '-b', '0-3', '--seed', '1']).status).toBe(0);
    const json = JSON.parse(readFileSync(out('bell.json'), 'utf8')) as ScoreJSON;
    expect(Score.fromMidi(Score.fromJSON(json).toMidi()).summary().bars).toBe(4);
  });

  it('--empty 1 and --empty 2 work: the window is padded with bars the output does not keep', () => {
    for (const bars of [1, 2]) {
      const r = midigpt(['generate', '--empty', String(bars), '-o', out(`empty-${bars}.mid`), '--seed', '1']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(barsOf(out(`empty-${bars}.mid`))).toBe(bars);
      expect(Score.fromMidi(out(`empty-${bars}.mid`)).summary().notes).toBeGreaterThan(0);
    }
  });

  it('--temperature 0 is greedy: the same music whatever the seed; a negative temperature is a usage error', () => {
    const a = midigpt(['infill', song, '-o', out('greedy-a.json'), '-t', '0', '-b', '12-13', '--temperature', '0', '--seed', '1']);
    const b = midigpt(['infill', song, '-o', out('greedy-b.json'), '-t', '0', '-b', '12-13', '--temperature', '0', '--seed', '2']);
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(readFileSync(out('greedy-a.json'), 'utf8')).toBe(readFileSync(out('greedy-b.json'), 'utf8'));
    const bad = midigpt(['infill', song, '-o', out('x.mid'), '-t', '0', '-b', '12', '--temperature', '-1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--temperature must be 0 or more');
  });

  it('- reads standard input (MIDI or JSON, told apart by content) and -o - writes standard output', () => {
    const midi = midigptBytes(['infill', '-', '-o', '-', '-t', '0', '-b', '12-13', '--seed', '1'], { input: readFileSync(song) });
    expect(midi.status).toBe(0);
    expect(midi.stdout.subarray(0, 4).toString('latin1')).toBe('MThd');
    expect(midi.stderr).toMatch(/standard output: 2 step\(s\)/);
    expect(Score.fromMidi(new Uint8Array(midi.stdout)).summary().bars).toBe(61);
    const json = midigpt(['infill', '-', '-o', '-', '-t', '0', '-b', '12-13', '--seed', '1'], { input: midigpt(['score', song, '--json']).stdout });
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).tracks).toHaveLength(3);
    const variations = midigpt(['infill', song, '-o', '-', '-t', '0', '-b', '12', '--variations', '2']);
    expect(variations.status).toBe(2);
  });
});
