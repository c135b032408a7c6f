// The generation pipeline's fixes of the reference's bugs (generation.md §9).
import { describe, expect, it } from 'vitest';
import { finishGeneratedBars, openStep, planRequest, prepareStep, Score, Tokenizer, validateRequest, writeBack, type GenerationRequest } from '../src/index.js';
import { parityMidiPath } from '../../../tests/support/parity.js';

const yellow = Tokenizer.load('yellow');
const score = Score.fromMidi(parityMidiPath('edge_drums_and_melodic.mid')).window(0, 8); // 2 tracks, 8 bars

function request(tracks: unknown[], config: object = {}, tokenizer = yellow, s = score): GenerationRequest {
  return validateRequest({ tracks, config: { model_dim: 4, ...config } }, s, tokenizer).request;
}

const count = (tokens: Int32Array, tokenizer: Tokenizer, name: string) =>
  Array.from(tokens).filter((id) => tokenizer.tokenNames()[id] === name).length;

describe('generation pipeline', () => {
  it('B1: an autoregressive prompt with bars [] continues the whole track', () => {
    const req = request([{ id: 0, bars: [], autoregressive: true }, { id: 1, bars: [] }]);
    const steps = planRequest(req, score);
    expect(steps.length).toBeGreaterThan(0);
    expect(new Set(steps.flatMap((s) => s.bars_to_generate.map(([, b]) => b)))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  });

  it('B2: ignored tracks are left out of the prompt', () => {
    const shown = request([{ id: 0, bars: [2] }, { id: 1, bars: [] }]);
    const hidden = request([{ id: 0, bars: [2] }, { id: 1, bars: [], ignore: true }]);
    const prompt = (req: GenerationRequest) => openStep(yellow, prepareStep(yellow, score, req, planRequest(req, score)[0]!)).prompt();
    expect(count(prompt(shown), yellow, 'Track:1')).toBe(1);
    expect(count(prompt(hidden), yellow, 'Track:1')).toBe(0);
    expect(count(prompt(hidden), yellow, 'Track:0')).toBe(1);
  });

  it('B3: piece-level controls reach the encoder', () => {
    const expressive = Tokenizer.load('expressive');
    const req = validateRequest(
      { tracks: [{ id: 0, bars: [2] }, { id: 1, bars: [] }], config: { model_dim: 4 }, controls: { velocity: false, genre: 'Hip Hop Rap' } },
      score,
      expressive,
    ).request;
    const prompt = openStep(expressive, prepareStep(expressive, score, req, planRequest(req, score)[0]!)).prompt();
    const names = Array.from(prompt.subarray(0, 4)).map((id) => expressive.tokenNames()[id]);
    expect(names).toEqual(['PieceStart:1', 'UseVelocity:0', 'UseMicrotiming:1', 'Genre:9']);
  });

  it('B5: autoregressive steps over several tracks are split, one track each', () => {
    const req = request([{ id: 0, bars: [], autoregressive: true }, { id: 1, bars: [], autoregressive: true }], { tracks_per_step: 2 });
    const steps = planRequest(req, score);
    for (const s of steps) expect(new Set(s.bars_to_generate.map(([t]) => t)).size).toBe(1);
    const generated = steps.flatMap((s) => s.bars_to_generate.map(([t, b]) => `${t}:${b}`));
    expect(new Set(generated).size).toBe(16);
  });

  it('write-back changes only the generated bars and keeps the caller resolution', () => {
    const req = request([{ id: 0, bars: [2] }, { id: 1, bars: [] }]);
    const state = openStep(yellow, prepareStep(yellow, score, req, planRequest(req, score)[0]!));
    const names = yellow.tokenNames();
    const id = (name: string) => names.indexOf(name);
    for (const token of ['NoteOnset:72', 'NoteDuration:11', 'FillInEnd:0']) state.advance(id(token));
    expect(state.complete()).toBe(true);
    const out = writeBack(score, state, yellow).toJSON();
    const before = score.toJSON();
    expect(out.resolution).toBe(480);
    expect(out.tracks[0]!.bars[2]!.notes.map((n) => [n[0], n[2], n[3]])).toEqual([[72, 0, 480]]);
    out.tracks[0]!.bars[2] = before.tracks[0]!.bars[2]!;
    expect(out).toEqual(before);
  });

  it('B16: the finished score drops onsets past their generated bar, and only there', () => {
    const bar = (notes: Array<[number, number, number, number, number]>) => ({ ts: [4, 4] as [number, number], beat_length: 4, future: false, notes });
    const score = Score.fromJSON({
      resolution: 12,
      tempo: 500000,
      tracks: [{ instrument: 0, track_type: 'melodic', attributes: {}, bars: [bar([[60, 80, 0, 12, 0], [62, 80, 48, 12, 0]]), bar([[64, 80, 50, 12, 0]])] }],
    });
    const bars = finishGeneratedBars(score, [[0, 0]]).toJSON().tracks[0]!.bars;
    expect(bars.map((b) => b.notes.map((n) => n[0]))).toEqual([[60], [64]]);
    expect(() => finishGeneratedBars(score, [[0, 5]])).toThrow(/outside the score/);
  });
});
