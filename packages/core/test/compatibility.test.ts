// Reference behaviours we keep on purpose (docs/compatibility.md): each test pins
// what our code does, so that a change shows up here and in the document.
import { describe, expect, it } from 'vitest';
import { beatBarTicks, openStep, planRequest, prepareStep, Score, signatureBarTicks, Tokenizer, validateRequest, writeBack, type GenerationRequest } from '../src/index.js';

const yellow = Tokenizer.load('yellow');
const names = yellow.tokenNames();
const id = (name: string): number => {
  const i = names.indexOf(name);
  if (i < 0) throw new Error(`no token ${name}`);
  return i;
};
const ids = (text: string): number[] => text.split(' ').map(id);
const named = (tokens: ArrayLike<number>): string[] => Array.from(tokens, (t) => names[t]!);
const count = (tokens: ArrayLike<number>, name: string) => named(tokens).filter((n) => n === name).length;
const tsIndex = (n: number, d: number) => yellow.config().timeSignatures.findIndex(([a, b]) => a === n && b === d);

type Notes = Array<[pitch: number, velocity: number, onset: number, duration: number, delta: number]>;
const bar = (notes: Notes, ts: [number, number] = [4, 4]) => ({ ts, beat_length: (4 * ts[0]) / ts[1], future: false, notes });
// A melodic track at the model resolution (12 ticks per quarter): bar b holds `content(b)`.
const track = (bars: number, content: (b: number) => Notes) => ({
  instrument: 0,
  track_type: 'melodic' as const,
  attributes: {},
  bars: Array.from({ length: bars }, (_, b) => bar(content(b))),
});
const single = (b: number): Notes => [[60 + b, 80, 0, 12, 0]];

function request(input: unknown, score: Score): GenerationRequest {
  return validateRequest(input, score, yellow).request;
}
const promptOf = (score: Score, req: GenerationRequest, stepIndex = 0) =>
  openStep(yellow, prepareStep(yellow, score, req, planRequest(req, score)[stepIndex]!)).prompt();

describe('generation core: reference behaviours kept', () => {
  // Bar 3 holds a whole-bar 4-note chord, every other bar one quarter note.
  const chord: Notes = [72, 76, 79, 84].map((p) => [p, 80, 0, 48, 0]);
  const piece = Score.fromJSON({ resolution: 12, tempo: 500000, tracks: [track(8, (b) => (b === 3 ? chord : single(b)))] });
  const withoutChord = Score.fromJSON({ resolution: 12, tempo: 500000, tracks: [track(8, (b) => (b === 3 ? [] : single(b)))] });
  const infill = { tracks: [{ id: 0, bars: [2, 3] }], config: { model_dim: 4 } };

  it('B18: an infill step shows later targets with their original notes; attributes count bars about to be regenerated', () => {
    const req = request(infill, piece);
    const steps = planRequest(req, piece);
    expect(steps.map((s) => [s.start_bar, s.end_bar, s.bars_to_generate])).toEqual([
      [1, 5, [[0, 2]]],
      [2, 6, [[0, 3]]],
    ]);
    // Step 1 generates bar 2; bar 3, the target of step 2, is context with its original chord.
    const first = prepareStep(yellow, piece, req, steps[0]!);
    expect(first.step.context[0]!.slice(1, 5)).toEqual([true, false, true, true]);
    const prompt = named(openStep(yellow, first).prompt());
    for (const p of [72, 76, 79, 84]) expect(prompt).toContain(`NoteOnset:${p}`);
    expect(count(openStep(yellow, first).prompt(), 'FillInPlaceholder:0')).toBe(1); // only bar 2 is hidden
    // The analyzer ran on the original track: 4 voices (MaxPolyphony:3) and whole notes
    // (MaxNoteDuration:5) come from bar 3 alone.
    expect(prompt).toContain('MaxPolyphony:3');
    expect(prompt).toContain('MaxNoteDuration:5');
    const emptied = named(promptOf(withoutChord, request(infill, withoutChord)));
    expect(emptied).toContain('MaxPolyphony:0');
    expect(emptied).toContain('MaxNoteDuration:3');

    // Step 2 regenerates bar 3: the prompt hides its notes, but its attributes still count the chord.
    const state = openStep(yellow, first);
    for (const t of ['NoteOnset:67', 'NoteDuration:11', 'FillInEnd:0']) state.advance(id(t));
    const afterFirst = writeBack(piece, state, yellow);
    const second = named(openStep(yellow, prepareStep(yellow, afterFirst, req, steps[1]!)).prompt());
    expect(second).toContain('NoteOnset:67'); // bar 2 as step 1 generated it
    for (const p of [72, 76, 79, 84]) expect(second).not.toContain(`NoteOnset:${p}`);
    expect(second).toContain('MaxPolyphony:3');
    expect(second).toContain('MaxNoteDuration:5');
  });

  describe('B25: track time signatures', () => {
    const two = Score.fromJSON({ resolution: 12, tempo: 500000, tracks: [track(4, single), track(4, single)] });
    const threeFour = tsIndex(3, 4);
    const fourFour = tsIndex(4, 4);

    it('controls.time_signature is checked against nothing but the encoder list, and binds only full autoregressive prompts', () => {
      // Neither the score's 4/4 nor another track's different value is an error.
      const { request: req, warnings } = validateRequest(
        { tracks: [{ id: 0, autoregressive: true, controls: { time_signature: threeFour } }, { id: 1, controls: { time_signature: 0 } }], config: { model_dim: 4 } },
        two,
        yellow,
      );
      expect(warnings).toEqual([]);
      const step = planRequest(req, two)[0]!;
      const prepared = prepareStep(yellow, two, req, step);
      expect(prepared.constraints.values).toEqual([['TimeSig', threeFour]]);
      // The grammar then allows only that signature in every generated bar.
      const state = openStep(yellow, prepared);
      const allowed = new Uint8Array(yellow.vocabSize);
      state.advance(id('Bar:0'));
      state.mask(allowed);
      expect(named(Array.from(allowed.keys()).filter((i) => allowed[i])).filter((n) => n.startsWith('TimeSig:'))).toEqual([`TimeSig:${threeFour}`]);
      // The bars written back keep the score's 4/4: only notes are written into a bar.
      for (let b = 0; b < 4; b++) {
        if (b > 0) state.advance(id('Bar:0'));
        for (const t of [`TimeSig:${threeFour}`, 'NoteOnset:70', 'NoteDuration:11', 'BarEnd:0']) state.advance(id(t));
      }
      state.advance(id('TrackEnd:0'));
      expect(state.complete()).toBe(true);
      const out = writeBack(two, state, yellow).toJSON();
      expect(out.tracks[0]!.bars.map((b) => [b.ts, b.beat_length, b.notes.map((n) => n[0])])).toEqual(Array(4).fill([[4, 4], 4, [70]]));

      // On an infill prompt the control is accepted and has no effect on the prompt or the constraints.
      const plain = request({ tracks: [{ id: 0, bars: [1] }, { id: 1 }], config: { model_dim: 4 } }, two);
      const controlled = request({ tracks: [{ id: 0, bars: [1], controls: { time_signature: threeFour } }, { id: 1 }], config: { model_dim: 4 } }, two);
      expect(controlled.tracks[0]!.controls).toEqual({ time_signature: threeFour });
      expect(promptOf(two, controlled)).toEqual(promptOf(two, plain));
      expect(prepareStep(yellow, two, controlled, planRequest(controlled, two)[0]!).constraints.values).toEqual([]);
    });

    it('bar_controls can only restate a bar\'s time signature: no effect on infill, a per-bar constraint on full autoregressive prompts', () => {
      expect(() => request({ tracks: [{ id: 0, bars: [1], bar_controls: { 1: { time_signature: threeFour } } }, { id: 1 }] }, two)).toThrow(
        "differs from the score's 4/4 at bar 1; a per-bar time signature can only restate the existing one",
      );
      const plain = request({ tracks: [{ id: 0, bars: [1] }, { id: 1 }], config: { model_dim: 4 } }, two);
      const restated = request({ tracks: [{ id: 0, bars: [1], bar_controls: { 1: { time_signature: fourFour } } }, { id: 1 }], config: { model_dim: 4 } }, two);
      expect(promptOf(two, restated)).toEqual(promptOf(two, plain));
      expect(prepareStep(yellow, two, restated, planRequest(restated, two)[0]!).constraints.barValues).toEqual([]);

      const ar = request({ tracks: [{ id: 0, autoregressive: true, bar_controls: { 2: { time_signature: fourFour } } }, { id: 1 }], config: { model_dim: 4 } }, two);
      const constraints = prepareStep(yellow, two, ar, planRequest(ar, two)[0]!).constraints;
      expect(constraints.values).toEqual([]);
      expect(constraints.barValues).toEqual([['TimeSig', 1, 2, fourFour]]); // the agent is the last prompt track
    });
  });
});

describe('tokenizer: reference behaviours kept', () => {
  it('#13: remove_future_bars with multi_fill on a future bar, or a cell past a partial encode, gives a fill block without a placeholder', () => {
    const json = { resolution: 12, tempo: 500000, tracks: [track(4, single)] };
    json.tracks[0]!.bars[1]!.future = true;
    const score = Score.fromJSON(json);
    const { tokens } = yellow.encode(score, { windowBars: 4, multiFill: [[0, 1], [0, 3]], removeFutureBars: true });
    expect(count(tokens, 'FillInPlaceholder:0')).toBe(1); // bar 3's; bar 1 is removed with its placeholder
    expect(count(tokens, 'FillInStart:0')).toBe(2);
    // Decoding pairs the blocks with the placeholders in order: bar 3 gets bar 1's notes, its own are lost.
    const decoded = yellow.decode(tokens, { resample: false }).toJSON().tracks[0]!.bars.map((b) => b.notes.map((n) => n[0]));
    expect(decoded).toEqual([[60], [62], [61]]);

    const partial = yellow.encode(Score.fromJSON({ resolution: 12, tempo: 500000, tracks: [track(4, single)] }), {
      windowBars: 4,
      partialTrack: 0,
      partialBars: 2,
      multiFill: [[0, 3]],
    }).tokens;
    expect(count(partial, 'FillInPlaceholder:0')).toBe(0);
    // Track 0 stops after bar 1 (no TrackEnd); bar 3's block follows with no placeholder to fill.
    expect(count(partial, 'Bar:0')).toBe(2);
    expect(named(partial).slice(-6)).toEqual(['BarEnd:0', 'FillInStart:0', 'VelocityLevel:20', 'NoteOnset:63', 'NoteDuration:11', 'FillInEnd:0']);
  });

  it('#17: two Track tokens without a TrackEnd decode into one track; the second drum flag and instrument win', () => {
    const tokens = ids(
      'PieceStart:0 NumBars:0 Track:0 Instrument:33 Bar:0 TimeSig:13 NoteOnset:60 NoteDuration:11 BarEnd:0 ' +
        'Track:1 Instrument:0 Bar:0 TimeSig:13 NoteOnset:36 BarEnd:0 TrackEnd:0',
    );
    const tracks = yellow.decode(tokens, { resample: false }).toJSON().tracks;
    expect(tracks).toHaveLength(1);
    expect(tracks[0]!.track_type).toBe('drum');
    expect(tracks[0]!.instrument).toBe(0);
    expect(tracks[0]!.bars.map((b) => b.notes)).toEqual([[[60, 100, 0, 12, 0]], [[36, 100, 0, 1, 0]]]);
  });

  it('#18: an unknown time signature fails the whole encode (a request with one is refused first); a Score refuses programs outside 0..127', () => {
    const odd = Score.fromJSON({ resolution: 12, tempo: 500000, tracks: [{ ...track(4, single), bars: [bar(single(0)), bar([], [19, 4]), bar(single(2)), bar(single(3))] }] });
    expect(() => yellow.encode(odd, { windowBars: 4 })).toThrow("time signature 19/4 is not in this encoder's list of 36 time signatures");
    expect(() => request({ tracks: [{ id: 0, bars: [0] }], config: { model_dim: 4 } }, odd)).toThrow(/track 0 bar 1: time signature 19\/4 not in the encoder's time signatures/);
    expect(() => Score.fromJSON({ resolution: 12, tempo: 500000, tracks: [{ ...track(4, single), instrument: 200 }] })).toThrow('tracks[0].instrument is 200, outside 0..127');
  });
});

describe('bar length: one definition in the core', () => {
  it('is 4·n·resolution/d ticks, rounded up when not whole, and the same from a time signature or a beat length', () => {
    expect(signatureBarTicks([7, 8], 12)).toBe(42); // the reference's grammar: 36
    expect(signatureBarTicks([7, 32], 12)).toBe(11); // 10.5 ticks
    expect(signatureBarTicks([4, 4], 480)).toBe(1920);
    expect(signatureBarTicks([4, 0], 12)).toBe(0);
    expect(beatBarTicks(3.5, 12)).toBe(42);
    expect(beatBarTicks(1680 / 480, 12)).toBe(42);
    expect(beatBarTicks(Number.NaN, 12)).toBe(0);
    for (const [n, d] of yellow.config().timeSignatures) expect(beatBarTicks((4 * n) / d, 12)).toBe(signatureBarTicks([n, d], 12));
    expect(() => signatureBarTicks([7.5, 8], 12)).toThrow(RangeError);
    expect(() => beatBarTicks('4' as unknown as number, 12)).toThrow(TypeError);
  });

  it('request validation measures a 7/8 bar as 42 ticks: an onset at 41 is inside, 42 is late', () => {
    const sevenEight = (notes: Notes) => bar(notes, [7, 8]);
    const score = Score.fromJSON({
      resolution: 12,
      tempo: 500000,
      tracks: [{ ...track(4, single), bars: [sevenEight([[60, 80, 41, 1, 0]]), sevenEight([[60, 80, 42, 1, 0]]), sevenEight(single(2)), sevenEight(single(3))] }],
    });
    const { warnings } = validateRequest({ tracks: [{ id: 0, bars: [2] }], config: { model_dim: 4 } }, score, yellow);
    expect(warnings).toContain('track 0: 1 note(s) starting at or after the end of their bar (first in bar 1)');
  });
});
