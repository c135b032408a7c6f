import { describe, expect, it } from 'vitest';
import {
  RequestValidationError,
  Score,
  Tokenizer,
  barEntries,
  defaultInferenceConfig,
  validateRequest,
  type GenerationRequest,
  type ScoreInput,
} from '../src/index.js';
import { parityMidiPath } from '../../../tests/support/parity.js';

const yellow = Tokenizer.load('yellow');  // num_bars_map [4, 8], no MaskBar, no genres
const ghost = Tokenizer.load('ghost');  // has MaskBar
const prism = Tokenizer.load('prism');  // genres, bar-level attributes
const expressive = Tokenizer.load('expressive');  // switchable velocity and microtiming
/** No time signatures, no attributes, windows of 8 or 16 bars. */
const bare = Tokenizer.fromConfig({ resolution: 12, num_bars_map: [8, 16], supports_infill: true });
/** Like `bare`, but it only knows 4/4 and allows 4-bar windows. */
const noInfill = Tokenizer.fromConfig({ resolution: 12, time_signatures: ['4/4'], num_bars_map: [4] });

const aicha = Score.fromMidi(parityMidiPath('Aicha.mid'));  // 14 tracks, 97 bars

type BarInput = ScoreInput['tracks'][number]['bars'][number];

/** A melodic track 0 and a drum track 1, `nBars` bars of 4/4 with one note each; `edit` may change the JSON first. */
function smallScore(nBars = 8, edit?: (json: ScoreInput) => void): Score {
  const bars = (): BarInput[] => Array.from({ length: nBars }, () => ({ ts: [4, 4], notes: [[60, 100, 0, 480]] }));
  const json: ScoreInput = {
    resolution: 480,
    tracks: [
      { track_type: 'melodic', instrument: 0, bars: bars() },
      { track_type: 'drum', instrument: 0, bars: bars() },
    ],
  };
  edit?.(json);
  return Score.fromJSON(json);
}

const small = smallScore();
/** The index of n/d in an encoder's time-signature list. */
const tsIndex = (tokenizer: Tokenizer, num: number, den: number): number =>
  tokenizer.config().timeSignatures.findIndex(([n, d]) => n === num && d === den);

/** The problems of a request that must fail, checking the error's shape on the way. */
function problemsOf(input: unknown, score: Score = small, tokenizer: Tokenizer = yellow): string[] {
  let error: unknown;
  try {
    validateRequest(input, score, tokenizer);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RequestValidationError);
  const { code, problems, message } = error as RequestValidationError;
  expect(code).toBe('INVALID_REQUEST');
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) expect(message).toContain(problem);
  return problems;
}

/** Track 0 infills bar 1; track 1 is context. */
const basic = { tracks: [{ id: 0, bars: [1] }, { id: 1 }] };

describe('validateRequest: defaults and normalization', () => {
  it('fills every default of the config, the prompts and the controls', () => {
    const { request, warnings } = validateRequest(basic, small, yellow);
    expect(warnings).toEqual([]);
    expect(request.config).toEqual({
      temperature: 1.0, seed: -1, max_attempts: 3, novelty_check: true, silence_check: true,
      temperature_escalation: 1.0, bars_per_step: 1, tracks_per_step: 1, model_dim: 4, shuffle: false,
      mask_mode: 'attention', polyphony_hard_limit: 0, density_hard_limit: 0, strict_controls: false,
      top_p: 1.0, top_k: 0, mask_p: 0.0, mask_k: 0,
    });
    expect(request.controls).toEqual({});
    expect(request.tracks[1]).toEqual({
      id: 1, bars: [], autoregressive: false, ignore: false, mask_bars: [],
      attributes: {}, controls: {}, bar_attributes: {}, bar_controls: {},
    });
    expect(request.tracks[0]!.bars).toEqual([1]);
  });

  it('keeps given config values and the user order of prompts', () => {
    const config = { temperature: 0.8, seed: 7, top_k: 20, mask_k: 2, top_p: 0.9, mask_p: 0.1, model_dim: 8, bars_per_step: 2, shuffle: true, polyphony_hard_limit: 4 };
    const { request } = validateRequest({ tracks: [{ id: 1, bars: [2] }, { id: 0 }], config }, small, yellow);
    expect(request.config).toMatchObject(config);
    expect(request.tracks.map((t) => t.id)).toEqual([1, 0]);
  });

  it('B23: the default mask mode is token only where the encoder has MaskBar', () => {
    expect(validateRequest(basic, small, yellow).request.config.mask_mode).toBe('attention');
    expect(validateRequest(basic, small, ghost).request.config.mask_mode).toBe('token');
    expect(validateRequest({ ...basic, config: { mask_mode: 'token' } }, small, ghost).request.config.mask_mode).toBe('token');
    expect(validateRequest({ ...basic, config: { mask_mode: 'remove' } }, small, yellow).request.config.mask_mode).toBe('remove');
    expect(defaultInferenceConfig(ghost).mask_mode).toBe('token');
    expect(defaultInferenceConfig(yellow).mask_mode).toBe('attention');
  });

  it('#1: a missing, null or non-positive model_dim becomes the smallest allowed window', () => {
    for (const model_dim of [undefined, null, 0, -3]) {
      const config = model_dim === undefined ? {} : { model_dim };
      expect(validateRequest({ ...basic, config }, small, yellow).request.config.model_dim).toBe(4);
      expect(validateRequest({ ...basic, config }, small, bare).request.config.model_dim).toBe(8);
    }
  });

  it('B1: an autoregressive prompt without bars generates the whole track', () => {
    const tracks = aicha.summary().tracks.map(({ index }) => (index === 4 ? { id: 4, autoregressive: true, bars: [] } : { id: index, ignore: index === 0 }));
    const { request } = validateRequest({ tracks }, aicha, yellow);
    expect(request.tracks[4]!.bars).toEqual(Array.from({ length: 97 }, (_, b) => b));
    expect(request.tracks[0]).toMatchObject({ ignore: true, bars: [] });
    expect(request.tracks[1]!.bars).toEqual([]);  // a context track stays without bars
  });

  it('keeps a partial autoregressive suffix as given', () => {
    const { request } = validateRequest({ tracks: [{ id: 0, autoregressive: true, bars: [7, 6] }, { id: 1 }] }, small, yellow);
    expect(request.tracks[0]!.bars).toEqual([7, 6]);
  });

  it('B3: piece-level controls are kept, the genre made canonical', () => {
    expect(validateRequest({ ...basic, controls: { genre: 'ROCK' } }, small, prism).request.controls).toEqual({ genre: 'rock' });
    const { request } = validateRequest({ ...basic, controls: { velocity: false, microtiming: false } }, small, expressive);
    expect(request.controls).toEqual({ velocity: false, microtiming: false });
    expect(validateRequest({ ...basic, controls: { velocity: true } }, small, yellow).request.controls).toEqual({ velocity: true });
  });

  it('turns JSON string keys of bar_attributes and bar_controls into bar numbers', () => {
    const text = JSON.stringify({
      tracks: [
        { id: 0, bars: [2, 3], bar_attributes: { '3': { bar_min_polyphony: 2 }, '2': { pitch_class_set: 5 } }, bar_controls: { '02': { time_signature: tsIndex(prism, 4, 4) } } },
        { id: 1, ignore: true },
      ],
    });
    const { request } = validateRequest(JSON.parse(text), small, prism);
    const track = request.tracks[0]!;
    expect(track.bar_attributes[3]).toEqual({ bar_min_polyphony: 2 });
    expect(barEntries(track.bar_attributes)).toEqual([[2, { pitch_class_set: 5 }], [3, { bar_min_polyphony: 2 }]]);
    expect(barEntries(track.bar_controls)).toEqual([[2, { time_signature: tsIndex(prism, 4, 4) }]]);
    expect(typeof barEntries(track.bar_controls)[0]![0]).toBe('number');
  });

  it('accepts its own output again (also after a JSON round trip)', () => {
    const input = { tracks: [{ id: 0, bars: [4, 5], mask_bars: [6], attributes: { min_polyphony: 2 }, controls: { time_signature: 13 } }, { id: 1, autoregressive: true }], controls: { velocity: true } };
    const first: GenerationRequest = validateRequest(input, small, yellow).request;
    expect(validateRequest(first, small, yellow).request).toEqual(first);
    expect(validateRequest(JSON.parse(JSON.stringify(first)), small, yellow).request).toEqual(first);
  });

  it('validates a whole-piece request on a real file', () => {
    const tracks = aicha.summary().tracks.map(({ index, track_type }) => ({
      id: index,
      bars: index === 2 ? [10, 11, 12] : [],
      ...(index === 2 ? { attributes: { min_polyphony: 1, max_polyphony: 3 }, mask_bars: [13] } : {}),
      ...(track_type === 'drum' ? { attributes: { note_density: 4 } } : {}),
    }));
    const { request, warnings } = validateRequest({ tracks, config: { model_dim: 8, bars_per_step: 2 } }, aicha, yellow);
    expect(warnings).toEqual([]);
    expect(request.tracks).toHaveLength(14);
    expect(request.tracks[2]).toMatchObject({ bars: [10, 11, 12], mask_bars: [13], attributes: { min_polyphony: 1, max_polyphony: 3 } });
  });
});

describe('validateRequest: config checks (#2-#15, #20)', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['#2 model_dim not allowed', { model_dim: 6 }, 'config.model_dim=6 not in vocab domain [4, 8]'],
    ['#3 bars_per_step <= 0', { bars_per_step: 0 }, 'config.bars_per_step must be > 0 (got 0)'],
    ['#4 bars_per_step > model_dim', { bars_per_step: 5 }, 'config.bars_per_step=5 cannot exceed model_dim=4'],
    ['#5 tracks_per_step <= 0', { tracks_per_step: 0 }, 'config.tracks_per_step must be > 0 (got 0)'],
    ['#6 max_attempts < 1', { max_attempts: 0 }, 'config.max_attempts must be >= 1 (got 0)'],
    ['#7 temperature < 0 (0 is greedy here)', { temperature: -0.5 }, 'config.temperature must be >= 0 (0 = greedy) (got -0.5)'],
    ['#8 temperature_escalation < 1', { temperature_escalation: 0.5 }, 'config.temperature_escalation must be >= 1.0 (got 0.5)'],
    ['#10 top_p above 1', { top_p: 1.5 }, 'config.top_p must be in (0, 1] (got 1.5)'],
    ['#10 top_p of 0', { top_p: 0 }, 'config.top_p must be in (0, 1] (got 0)'],
    ['#11 mask_p of 1', { mask_p: 1 }, 'config.mask_p must be in [0, 1) (got 1)'],
    ['#11 negative mask_p', { mask_p: -0.1 }, 'config.mask_p must be in [0, 1) (got -0.1)'],
    ['#12 negative top_k', { top_k: -1 }, 'config.top_k must be >= 0 (got -1)'],
    ['#13 negative mask_k', { mask_k: -2 }, 'config.mask_k must be >= 0 (got -2)'],
    ['#14 mask_p >= top_p', { top_p: 0.4, mask_p: 0.5 }, 'config.mask_p=0.5 must be < top_p=0.4'],
    ['#15 mask_k >= top_k', { top_k: 3, mask_k: 3 }, 'config.mask_k=3 must be < top_k=3'],
    ['#20 token without MaskBar', { mask_mode: 'token' }, 'config.mask_mode "token" needs a MaskBar token'],
    ['B23 unknown mask mode', { mask_mode: 'hidden' }, 'config.mask_mode "hidden" is not one of token, attention, attention_approx, attention_skip, remove'],
    ['unknown config key', { temprature: 1 }, 'config has unknown key "temprature"'],
    ['wrongly typed field', { temperature: '1.0' }, 'config.temperature must be a number (got "1.0")'],
    ['float where an integer is due', { top_k: 2.5 }, 'config.top_k must be an integer (got 2.5)'],
    ['boolean field', { novelty_check: 'no' }, 'config.novelty_check must be a boolean (got "no")'],
  ];
  it.each(cases)('%s', (_, config, expected) => {
    expect(problemsOf({ ...basic, config })).toEqual([expect.stringContaining(expected)]);
  });

  it('#2 without a num_bars_map: model_dim must still be positive', () => {
    const free = Tokenizer.fromConfig({ resolution: 12, time_signatures: ['4/4'], supports_infill: true });
    expect(free.numBarsMap()).toBeNull();
    expect(validateRequest(basic, small, free).request.config.model_dim).toBe(4);
    expect(validateRequest({ ...basic, config: { model_dim: 6 } }, small, free).request.config.model_dim).toBe(6);
    expect(problemsOf({ ...basic, config: { model_dim: 0 } }, small, free)).toEqual(['config.model_dim must be > 0 (got 0)']);
  });

  it('#9: temperature_escalation above 3 is clamped with a warning', () => {
    const { request, warnings } = validateRequest({ ...basic, config: { temperature_escalation: 5 } }, small, yellow);
    expect(request.config.temperature_escalation).toBe(3);
    expect(warnings).toEqual(['config.temperature_escalation=5 is above 3.0; clamped to 3.0']);
  });

  it('filters that are both on are fine when they leave something', () => {
    const { request } = validateRequest({ ...basic, config: { top_p: 0.9, mask_p: 0.2, top_k: 10, mask_k: 1 } }, small, yellow);
    expect(request.config).toMatchObject({ top_p: 0.9, mask_p: 0.2, top_k: 10, mask_k: 1 });
  });
});

describe('validateRequest: score checks (#16-#19, #22-#25)', () => {
  it('#16: a score without tracks', () => {
    const empty = Score.fromJSON({ resolution: 480, tracks: [] });
    expect(problemsOf(basic, empty)).toEqual(['the score has no tracks', expect.stringContaining('track id 0 out of range [0, 0)'), expect.stringContaining('track id 1 out of range [0, 0)')]);
  });

  it('#17: tracks without bars', () => {
    const score = smallScore(8, (json) => void (json.tracks[1]!.bars = []));
    expect(problemsOf(basic, score)[0]).toBe('score track 1 has no bars');
  });

  it('#18: tracks with different bar counts', () => {
    const score = smallScore(8, (json) => void json.tracks[1]!.bars.push({ notes: [] }));
    expect(problemsOf(basic, score)).toEqual([
      'score tracks have different bar counts (8 bars: track 0; 9 bars: track 1); every track needs the same number of bars',
    ]);
  });

  it('#19: fewer bars than model_dim', () => {
    expect(problemsOf({ ...basic, config: { model_dim: 8 } }, smallScore(4))).toEqual([
      'the score has 4 bars, fewer than model_dim=8: pad it with empty bars or use a smaller model_dim',
    ]);
    expect(problemsOf(basic, smallScore(3))[0]).toContain('the score has 3 bars, fewer than model_dim=4');
  });

  it('#22: a time signature the encoder has no token for', () => {
    const score = smallScore(8, (json) => {
      json.tracks[0]!.bars[2]!.ts = [19, 4];
      json.tracks[1]!.bars[2]!.ts = [19, 4];
      json.tracks[0]!.bars[5]!.ts = [19, 4];
    });
    const problems = problemsOf(basic, score);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^track 0 bar 2: time signature 19\/4 not in the encoder's time signatures \[1\/2, .*\] \(bars with it: 2, 5\)$/);
    expect(validateRequest(basic, score, bare).warnings).toEqual([]);  // no time-signature list: anything goes
  });

  it('#23, #25: odd notes are warnings, not errors', () => {
    const score = smallScore(8, (json) => {
      json.tracks[0]!.bars[3]!.notes = [[130, 100, 0, 480], [131, 100, 0, 480]];
      json.tracks[1]!.bars[4]!.notes = [[36, 100, 0, 0]];
      json.tracks[0]!.bars[6]!.notes = [[60, 100, 1920, 10]];  // a 4/4 bar at 480 ppq is 1920 ticks long
    });
    const narrow = Tokenizer.fromConfig({ resolution: 12, time_signatures: ['4/4'], num_bars_map: [4], pitch_range: [21, 108], supports_infill: true });
    const { warnings } = validateRequest(basic, score, yellow);
    expect(warnings).toEqual([
      'track 0: 2 note(s) with a pitch outside [0, 127] (first in bar 3)',
      'track 1: 1 note(s) with a duration <= 0 (first in bar 4)',
      'track 0: 1 note(s) starting at or after the end of their bar (first in bar 6)',
    ]);
    expect(narrow.config().pitchRange).toEqual([21, 108]);
    const low = smallScore(4, (json) => void (json.tracks[1]!.bars[2]!.notes = [[12, 100, 0, 480], [21, 100, 0, 480]]));
    expect(validateRequest(basic, low, narrow).warnings).toEqual(['track 1: 1 note(s) with a pitch outside [21, 108] (first in bar 2)']);
  });
});

describe('validateRequest: piece-level controls (#21)', () => {
  const cases: Array<[string, Tokenizer, Record<string, unknown>, string]> = [
    ['velocity not a boolean', yellow, { velocity: 1 }, 'controls.velocity must be a boolean (got 1)'],
    ['velocity off without the switch', yellow, { velocity: false }, 'controls.velocity=false but this encoder cannot switch velocity off'],
    ['microtiming without delta tokens', yellow, { microtiming: true }, 'controls.microtiming=true but this encoder has no microtiming'],
    ['microtiming off without the switch', yellow, { microtiming: false }, 'controls.microtiming=false but this encoder cannot switch microtiming off'],
    ['genre not a string', prism, { genre: 3 }, 'controls.genre must be a string (got 3)'],
    ['genre without genres', yellow, { genre: 'rock' }, 'controls.genre "rock": this encoder has no genres'],
    ['unknown genre', prism, { genre: 'polka' }, 'controls.genre "polka" is not a known genre (genres: asian, baroque, blues,'],
    ['unknown control', yellow, { tempo: 120 }, 'Unknown piece-level control "tempo" in controls'],
    ['controls not an object', yellow, 'rock' as unknown as Record<string, unknown>, 'controls must be an object (got "rock")'],
  ];
  it.each(cases)('%s', (_, tokenizer, controls, expected) => {
    expect(problemsOf({ ...basic, controls }, small, tokenizer)).toEqual([expect.stringContaining(expected)]);
  });

  it('reports each bad control in the order given', () => {
    expect(problemsOf({ ...basic, controls: { genre: 'x', velocity: false } }, small, yellow)).toEqual([
      'controls.genre "x": this encoder has no genres',
      'controls.velocity=false but this encoder cannot switch velocity off',
    ]);
  });
});

describe('validateRequest: track prompts (#26-#30)', () => {
  it('#26: no prompts', () => {
    expect(problemsOf({ tracks: [] })).toEqual(['tracks is empty: give one prompt per score track']);
    expect(problemsOf({})).toEqual(['tracks is required: give one prompt per score track']);
    expect(problemsOf({ tracks: { id: 0 } })).toEqual(['tracks must be an array of track prompts (got {"id":0})']);
  });

  it('#27: every score track needs a prompt', () => {
    const problems = problemsOf({ tracks: [{ id: 0, autoregressive: true }, { id: 5, ignore: true }] }, aicha);
    expect(problems).toEqual(['score tracks 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, ... (12 in all) have no prompt: give one prompt per score track (use ignore=true to skip a track)']);
    expect(problemsOf({ tracks: [{ id: 0, bars: [1] }] })).toEqual([expect.stringContaining('score track 1 has no prompt')]);
  });

  const future = smallScore(8, (json) => {
    json.tracks[0]!.bars[7]!.future = true;
  });
  const context = { id: 1, bars: [2] };  // gives the request work, so only the prompt under test fails
  const cases: Array<[string, unknown[], string, Tokenizer?, Score?]> = [
    ['28a duplicate id', [{ id: 0, bars: [1] }, context, { id: 0, ignore: true }], 'tracks[2] (track 0): duplicate prompt for track 0 (first in tracks[0])'],
    ['28b id too large', [{ id: 0 }, context, { id: 5, ignore: true }], 'tracks[2] (track 5): track id 5 out of range [0, 2)'],
    ['28b negative id', [{ id: 0 }, context, { id: -1, ignore: true }], 'tracks[2] (track -1): track id -1 out of range [0, 2)'],
    ['28c autoregressive and ignore', [{ id: 0, autoregressive: true, ignore: true }, context], 'tracks[0] (track 0): autoregressive and ignore are mutually exclusive'],
    ['28d ignored with bars', [{ id: 0, ignore: true, bars: [1, 2] }, context], 'tracks[0] (track 0): an ignored track cannot have bars to generate (bars: 1, 2)'],
    ['28e bar out of range', [{ id: 0, bars: [3, 8, -1] }, context], 'tracks[0] (track 0): bars 8, -1 out of range [0, 8)'],
    ['28f mask_bars on an ignored track', [{ id: 0, ignore: true, mask_bars: [1] }, context], 'tracks[0] (track 0): mask_bars on an ignored track'],
    ['28f mask_bars out of range', [{ id: 0, bars: [1], mask_bars: [9] }, context], 'tracks[0] (track 0): mask_bars 9 out of range [0, 8)'],
    ['28f mask_bars overlapping bars', [{ id: 0, bars: [1, 2], mask_bars: [2, 3] }, context], 'tracks[0] (track 0): bars and mask_bars are mutually exclusive (both hold 2)'],
    ['28g autoregressive bars not a suffix', [{ id: 0, autoregressive: true, bars: [5, 6] }, context], 'tracks[0] (track 0): autoregressive bars must be the last bars of the track, each once (6..7 for 2 bars); got [5, 6]'],
    ['28g autoregressive bars repeated', [{ id: 0, autoregressive: true, bars: [7, 7] }, context], 'autoregressive bars must be the last bars of the track, each once'],
    ['28h infill of a future bar', [{ id: 0, bars: [6, 7] }, context], 'tracks[0] (track 0): infill bars 7 are marked future in the score', undefined, future],
    ['28i continuation over a future bar', [{ id: 0, autoregressive: true }, context], 'tracks[0] (track 0): autoregressive bars 7 are marked future in the score', undefined, future],
    ['28k unknown attribute', [{ id: 0, bars: [1], attributes: { loudness: 1 } }, context], 'tracks[0] (track 0): unknown attribute "loudness" in attributes (this encoder knows note_density, min_polyphony'],
    ['28k unknown attribute, encoder without any', [{ id: 0, autoregressive: true, attributes: { min_polyphony: 1 } }, context], 'unknown attribute "min_polyphony" in attributes (this encoder has no attribute controls)', bare],
    ['28k bar-level attribute', [{ id: 0, bars: [1], attributes: { bar_min_polyphony: 1 } }, context], 'tracks[0] (track 0): attribute "bar_min_polyphony" is bar-level; give it per bar in bar_attributes', prism],
    ['28k level out of range', [{ id: 0, bars: [1], attributes: { min_polyphony: 10 } }, context], 'tracks[0] (track 0): attributes.min_polyphony=10 out of range [0, 10)'],
    ['28k drum attribute on a melodic track', [{ id: 0, bars: [1], attributes: { note_density: 3 } }, context], 'tracks[0] (track 0): attribute "note_density" applies to drum tracks only, but this track is melodic'],
    ['28k melodic attribute on a drum track', [{ id: 0 }, { id: 1, bars: [1], attributes: { max_polyphony: 3 } }], 'tracks[1] (track 1): attribute "max_polyphony" applies to melodic tracks only, but this track is drum'],
    ['28l bar out of range', [{ id: 0, bars: [1], bar_attributes: { '9': { bar_min_polyphony: 1 } } }, context], 'tracks[0] (track 0): bar_attributes bar 9 out of range [0, 8)', prism],
    ['28l bar not generated', [{ id: 0, bars: [1], bar_attributes: { '3': { bar_min_polyphony: 1 } } }, context], 'tracks[0] (track 0): bar_attributes bar 3 is not in bars', prism],
    ['28l unknown attribute', [{ id: 0, bars: [1], bar_attributes: { '1': { swing: 1 } } }, context], 'tracks[0] (track 0): unknown attribute "swing" in bar_attributes[1]', prism],
    ['28l track-level attribute', [{ id: 0, bars: [1], bar_attributes: { '1': { key_signature: 1 } } }, context], 'tracks[0] (track 0): attribute "key_signature" is track-level; give it in attributes', prism],
    ['28l level out of range', [{ id: 0, bars: [1], bar_attributes: { '1': { pitch_class_set: 13 } } }, context], 'tracks[0] (track 0): bar_attributes[1].pitch_class_set=13 out of range [0, 13)', prism],
    ['28l drum attribute on a melodic track', [{ id: 0, bars: [1], bar_attributes: { '1': { bar_note_density: 2 } } }, context], 'attribute "bar_note_density" applies to drum tracks only, but this track is melodic', prism],
    ['28l every bar-level attribute fails without any', [{ id: 0, autoregressive: true, bar_attributes: { '1': { bar_min_polyphony: 1 } } }, context], 'unknown attribute "bar_min_polyphony" in bar_attributes[1] (this encoder has no attribute controls)', bare],
    ['28m bar out of range', [{ id: 0, bars: [1], bar_controls: { '8': { time_signature: 13 } } }, context], 'tracks[0] (track 0): bar_controls bar 8 out of range [0, 8)'],
    ['28m bar not generated', [{ id: 0, bars: [1], bar_controls: { '2': { time_signature: 13 } } }, context], 'tracks[0] (track 0): bar_controls bar 2 is not in bars'],
    ['28m unknown control', [{ id: 0, bars: [1], bar_controls: { '1': { tempo: 120 } } }, context], 'tracks[0] (track 0): unknown control "tempo" in bar_controls[1] (known: time_signature; pitch_range in controls)'],
    ['28m no time signatures', [{ id: 0, autoregressive: true, bar_controls: { '1': { time_signature: 0 } } }, context], 'tracks[0] (track 0): bar_controls[1].time_signature given, but this encoder has no time signatures configured', bare],
    ['28m index out of range', [{ id: 0, bars: [1], bar_controls: { '1': { time_signature: 36 } } }, context], 'tracks[0] (track 0): bar_controls[1].time_signature=36 out of range [0, 36)'],
    ['28m index not an integer', [{ id: 0, bars: [1], bar_controls: { '1': { time_signature: '4/4' } } }, context], 'bar_controls[1].time_signature must be an integer index into the encoder\'s time signatures (got "4/4")'],
    ['28m a new time signature', [{ id: 0, bars: [1], bar_controls: { '1': { time_signature: 10 } } }, context], 'tracks[0] (track 0): bar_controls[1].time_signature=10 (3/4) differs from the score\'s 4/4 at bar 1; a per-bar time signature can only restate the existing one'],
    ['28n unknown control', [{ id: 0, bars: [1], controls: { key: 3 } }, context], 'tracks[0] (track 0): unknown control "key" in controls (known: time_signature; pitch_range in controls)'],
    ['28n no time signatures', [{ id: 0, autoregressive: true, controls: { time_signature: 0 } }, context], 'tracks[0] (track 0): controls.time_signature given, but this encoder has no time signatures configured', bare],
    ['28n index out of range', [{ id: 0, bars: [1], controls: { time_signature: 99 } }, context], 'tracks[0] (track 0): controls.time_signature=99 out of range [0, 36)'],
    ['unknown prompt key', [{ id: 0, bar: [1] }, context], 'tracks[0] has unknown key "bar" (known: id, bars, autoregressive,'],
    ['a bar of the wrong type', [{ id: 0 }, { id: 1, bars: [1, 2, 'three'] }], 'tracks[1].bars[2] must be an integer (got "three")'],
    ['a missing id', [{ id: 0 }, { bars: [1] }], 'tracks[1].id is required (the score track index)'],
  ];
  it.each(cases)('%s', (_, tracks, expected, tokenizer = yellow, score = small) => {
    expect(problemsOf({ tracks }, score, tokenizer)).toEqual([expect.stringContaining(expected)]);
  });

  it('28m: tracks must agree on a bar\'s time signature', () => {
    const score = smallScore(8, (json) => void (json.tracks[1]!.bars[1]!.ts = [3, 4]));
    const fourFour = tsIndex(yellow, 4, 4);
    const threeFour = tsIndex(yellow, 3, 4);
    const tracks = [
      { id: 0, bars: [1], bar_controls: { '1': { time_signature: fourFour } } },
      { id: 1, bars: [1], bar_controls: { '1': { time_signature: threeFour } } },
    ];
    const problems = problemsOf({ tracks }, score);
    expect(problems).toEqual([`tracks[1] (track 1): bar_controls[1].time_signature=${threeFour} (3/4) conflicts with tracks[0] (track 0), which gives ${fourFour} (4/4)`]);
  });

  it('28m/28n: a time signature restating the score\'s is accepted and kept', () => {
    const fourFour = tsIndex(yellow, 4, 4);
    const tracks = [{ id: 0, bars: [1], controls: { time_signature: fourFour }, bar_controls: { 1: { time_signature: fourFour } } }, { id: 1 }];
    const { request } = validateRequest({ tracks }, small, yellow);
    expect(request.tracks[0]).toMatchObject({ controls: { time_signature: fourFour }, bar_controls: { 1: { time_signature: fourFour } } });
  });

  it('#29: some prompt must have work', () => {
    const expected = 'no prompt has work to do: every track is ignored or has no bars to generate (give bars, or set autoregressive=true)';
    expect(problemsOf({ tracks: [{ id: 0, ignore: true }, { id: 1, ignore: true }] })).toEqual([expected]);
    expect(problemsOf({ tracks: [{ id: 0, bars: [] }, { id: 1 }] })).toEqual([expected]);
  });

  it('#30: infill needs an encoder that supports it', () => {
    const score = smallScore(4);
    expect(problemsOf({ tracks: [{ id: 0, bars: [1] }, { id: 1, bars: [2] }] }, score, noInfill)).toEqual([
      'this encoder does not support infill, but tracks[0], tracks[1] ask to infill bars (use autoregressive prompts)',
    ]);
    expect(validateRequest({ tracks: [{ id: 0, autoregressive: true }, { id: 1 }] }, score, noInfill).request.tracks[0]!.bars).toEqual([0, 1, 2, 3]);
  });

  it('ignored tracks are validated like the others', () => {
    expect(problemsOf({ tracks: [{ id: 0, ignore: true, attributes: { min_polyphony: 12 } }, context] })).toEqual([
      'tracks[0] (track 0): attributes.min_polyphony=12 out of range [0, 10)',
    ]);
  });
});

describe('validateRequest: strict controls and pitch range (ours)', () => {
  const base = (track0: object, config: object = {}) => ({ tracks: [{ id: 0, bars: [2], ...track0 }, { id: 1, bars: [] }], config: { model_dim: 4, ...config } });

  it('accepts config.strict_controls and controls.pitch_range and keeps them', () => {
    const { request } = validateRequest(base({ controls: { pitch_range: [28, 55] } }, { strict_controls: true }), small, yellow);
    expect(request.config.strict_controls).toBe(true);
    expect(request.tracks[0]!.controls).toEqual({ pitch_range: [28, 55] });
    expect(validateRequest(base({}), small, yellow).request.config.strict_controls).toBe(false);
  });

  it('refuses bad values with a clear problem each', () => {
    expect(problemsOf(base({}, { strict_controls: 'yes' }))).toEqual(['config.strict_controls must be a boolean (got "yes")']);
    expect(problemsOf(base({ controls: { pitch_range: [60, 40] } }))).toEqual([
      'tracks[0] (track 0): controls.pitch_range [60, 40] is empty: the lowest pitch is above the highest',
    ]);
    for (const bad of [[28], [28, 200], ['28', 55], 40, [1.5, 60]])
      expect(problemsOf(base({ controls: { pitch_range: bad } }))[0]).toContain('controls.pitch_range must be [lowest, highest], two MIDI pitches 0-127');
    expect(problemsOf(base({ bar_controls: { 2: { pitch_range: [28, 55] } } }))[0]).toContain('pitch_range is a track control: give it in controls, not bar_controls');
  });
});

describe('validateRequest: every problem at once', () => {
  it('reports all problems in the order of the checks', () => {
    const input = {
      tracks: [
        { id: 0, autoregressive: true, bars: [3] },
        { id: 1, bars: [1], mask_bars: [1], attributes: { note_density: 10 } },
        { id: 1, ignore: true },
      ],
      config: { model_dim: 6, temperature: -1, top_p: 2, mask_mode: 'token', temperature_escalation: 9 },
      controls: { genre: 'rock' },
      extra: true,
    };
    expect(problemsOf(input)).toEqual([
      'request has unknown key "extra" (known: tracks, config, controls)',
      'config.model_dim=6 not in vocab domain [4, 8] (the window sizes of the encoder\'s NumBars token)',
      'config.temperature must be >= 0 (0 = greedy) (got -1)',
      'config.top_p must be in (0, 1] (got 2)',
      expect.stringContaining('config.mask_mode "token" needs a MaskBar token'),
      'controls.genre "rock": this encoder has no genres',
      'tracks[0] (track 0): autoregressive bars must be the last bars of the track, each once (7..7 for 1 bars); got [3]',
      'tracks[1] (track 1): bars and mask_bars are mutually exclusive (both hold 1)',
      'tracks[1] (track 1): attributes.note_density=10 out of range [0, 10)',
      'tracks[2] (track 1): duplicate prompt for track 1 (first in tracks[1])',
    ]);
  });

  it('skips the checks that depend on bad inputs', () => {
    // bars unreadable: no range, suffix or work checks on them; id unreadable: no missing-prompt check
    expect(problemsOf({ tracks: [{ id: 0, autoregressive: true, bars: 'all' }, { id: '1' }] })).toEqual([
      'tracks[0].bars must be an array of bar indices (got "all")',
      'tracks[1].id must be an integer (got "1")',
    ]);
    // model_dim rejected: bars_per_step is not compared with it, nor the score's length
    expect(problemsOf({ ...basic, config: { model_dim: 6, bars_per_step: 7 } }, smallScore(4))).toEqual([expect.stringContaining('model_dim=6')]);
  });

  it('lists the problems in the error message', () => {
    try {
      validateRequest({ tracks: [] , config: { top_k: -1 } }, small, yellow);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message).toBe('invalid generation request (2 problems):\n  - config.top_k must be >= 0 (got -1)\n  - tracks is empty: give one prompt per score track');
      expect((e as Error).name).toBe('RequestValidationError');
    }
  });
});

describe('validateRequest: garbage in', () => {
  const cyclic: Record<string, unknown> = { id: 0 };
  cyclic.self = cyclic;
  const garbage: unknown[] = [
    null, undefined, 'tracks', 42, true, [], [basic], new Map(), () => basic, Symbol('x'), 10n,
    { tracks: null }, { tracks: 'all' }, { tracks: [null, 1, 'x', [], true] },
    { tracks: [{ id: null }] }, { tracks: [{ id: 1e300 }] }, { tracks: [{ id: NaN }] }, { tracks: [{ id: 0, bars: [Infinity, 1.5, null, 2n] }] },
    { tracks: [{ id: 0, bars: {} }] }, { tracks: [{ id: 0, mask_bars: 'x' }] }, { tracks: [{ id: 0, autoregressive: 'yes', ignore: 1 }] },
    { tracks: [{ id: 0, attributes: [1] }] }, { tracks: [{ id: 0, attributes: { min_polyphony: '2' } }] },
    { tracks: [{ id: 0, controls: null }] }, { tracks: [{ id: 0, controls: { time_signature: [1] } }] },
    { tracks: [{ id: 0, bar_attributes: [] }] }, { tracks: [{ id: 0, bar_attributes: { 1: null } }] }, { tracks: [{ id: 0, bar_attributes: { x: {} } }] },
    { tracks: [{ id: 0, bar_controls: { 1: 'x' } }] }, { tracks: [{ id: 0, bar_controls: { '-1': { time_signature: -1 } } }] },
    { tracks: [cyclic] }, { config: null, tracks: [] }, { config: 'fast', tracks: [] }, { config: { model_dim: 'big' }, tracks: [] },
    { controls: [], tracks: [] }, { controls: { genre: null } }, Object.create(null) as object,
  ];
  it.each(garbage.map((g, i) => [i, g]))('input %i is refused with a RequestValidationError', (_, input) => {
    expect(problemsOf(input).every((p) => typeof p === 'string' && p.length > 0)).toBe(true);
  });

  it('names the path of nested wrong types', () => {
    const problems = problemsOf({
      tracks: [{ id: 0, bar_attributes: { '2': { min_polyphony: 'many' }, two: {} } }, { id: 1, bars: [1, 2, 'x'], attributes: { max_polyphony: null } }],
    });
    expect(problems).toEqual(expect.arrayContaining([
      'tracks[0].bar_attributes["2"].min_polyphony must be an integer level (got "many")',
      'tracks[0].bar_attributes key "two" must be a bar index (an integer)',
      'tracks[1].bars[2] must be an integer (got "x")',
      'tracks[1].attributes.max_polyphony must be an integer level (got null)',
    ]));
  });

  it('reports a bar given twice under different keys', () => {
    expect(problemsOf({ tracks: [{ id: 0, bars: [1], bar_attributes: { '1': {}, '01': {} } }, { id: 1 }] })).toEqual([
      'tracks[0].bar_attributes gives bar 1 twice (keys "1" and "01")',
    ]);
  });

  it('survives random damage to a valid request', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const junk: unknown[] = [null, -1, 0, 1.5, 'x', '', true, [], {}, [null], { 1: 2 }, 1e20, -0];
    const valid = {
      tracks: [{ id: 0, bars: [1, 2], mask_bars: [3], attributes: { min_polyphony: 1 }, bar_controls: { 1: { time_signature: 13 } } }, { id: 1, autoregressive: true, controls: { time_signature: 13 } }],
      config: { temperature: 0.9, top_k: 5, model_dim: 4 },
      controls: { velocity: true },
    };
    for (let round = 0; round < 300; round++) {
      const request: unknown = JSON.parse(JSON.stringify(valid));
      let node = request as Record<string, unknown>;
      for (let depth = 0; depth < 4; depth++) {  // walk down to a random place, then damage it
        const keys = Object.keys(node);
        const key = keys[random(keys.length)]!;
        const child = node[key];
        if (depth === 3 || typeof child !== 'object' || child === null || random(3) === 0) {
          node[key] = junk[random(junk.length)];
          break;
        }
        node = child as Record<string, unknown>;
      }
      try {
        validateRequest(request, small, yellow);
      } catch (e) {
        expect(e, JSON.stringify(request)).toBeInstanceOf(RequestValidationError);
      }
    }
  });
});
