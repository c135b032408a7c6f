import { describe, expect, it } from 'vitest';
import { Score, Tokenizer } from '../src/index.js';
import { codeOf } from '../../../tests/support/errors.js';
import { parityMidiPath } from '../../../tests/support/parity.js';


describe('Tokenizer', () => {
  const yellow = Tokenizer.load('yellow');
  const score = Score.fromMidi(parityMidiPath('edge_drums_and_melodic.mid'));

  it('lists the attribute controls with sizes, levels, track types and labels', () => {
    const byName = Object.fromEntries(yellow.attributes().map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['max_note_duration', 'max_polyphony', 'min_note_duration', 'min_polyphony', 'note_density']);
    expect(byName.note_density).toMatchObject({ tokenType: 'NoteDensity', level: 'track', trackType: 'drum', size: 10 });
    expect(byName.min_polyphony).toMatchObject({ tokenType: 'MinPolyphony', trackType: 'melodic', size: 10 });
    expect(byName.min_polyphony!.labels[0]).toBe('1 voice');
    expect(byName.max_note_duration!.labels).toEqual(['32nd', '16th', '8th', 'quarter', 'half', 'whole']);
    const prism = Object.fromEntries(Tokenizer.load('prism').attributes().map((a) => [a.name, a]));
    expect(prism.key_signature).toMatchObject({ size: 25, trackType: 'melodic' });
    expect(prism.silence_proportion).toMatchObject({ trackType: 'both', tokenType: 'TrackLevelSilenceProportionMax' });
    expect(prism.bar_note_density).toMatchObject({ level: 'bar', tokenType: 'BarLevelOnsetDensity' });
  });

  it('prepare writes attribute values on the model grid', () => {
    const prepared = yellow.prepare(score.window(0, 4)).toJSON();
    expect(prepared.resolution).toBe(12);
    expect(Object.keys(prepared.tracks[0]!.attributes).sort()).toEqual(['max_note_duration', 'max_polyphony', 'min_note_duration', 'min_polyphony']);
    expect(Object.keys(prepared.tracks[1]!.attributes)).toEqual(['note_density']);
  });

  it('span masks hide future bars; decode accepts plain arrays', () => {
    const json = score.window(0, 4).toJSON();
    json.tracks[0]!.bars[2]!.future = true;
    const { tokens, hiddenSpans } = yellow.encode(Score.fromJSON(json), { windowBars: 4, useSpanMasks: true });
    expect(hiddenSpans).toHaveLength(1);
    const [from, to] = hiddenSpans[0]!;
    expect(Array.from(tokens.subarray(from, to)).map((id) => yellow.tokenNames()[id])).toEqual(['Bar:0', 'TimeSig:13', 'BarEnd:0']);
    expect(yellow.decode(Array.from(tokens)).tracks).toHaveLength(2);
  });

  it('gives clear errors for bad configs, windows and tokens', () => {
    expect(() => Tokenizer.fromConfig('{"resolution": "12"}')).toThrow('encoder config: "resolution" must be an integer');
    expect(codeOf(() => Tokenizer.fromConfig({ token_domains: [{ type: 'Nope', domain_size: 1 }] }))).toBe('INVALID_CONFIG');
    expect(codeOf(() => Tokenizer.fromConfig({ attribute_controls: [{ name: 'tension' }] }))).toBe('INVALID_CONFIG');
    expect(codeOf(() => Tokenizer.fromConfig({ attribute_controls: [{ name: 'loudness' }] }))).toBe('INVALID_CONFIG');
    expect(codeOf(() => Tokenizer.load('/no/such/config.json'))).toBe('INVALID_CONFIG');
    expect(() => yellow.encode(score.window(0, 2))).toThrow('window_bars=2 not in num_bars_map [4, 8]');
    expect(codeOf(() => score.window(6, 4))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => yellow.decode([0, 5000]))).toBe('ENCODE');
    expect(() => yellow.encode(score.window(0, 4), { windowBars: 4, multiFill: [[0, 'x' as never]] })).toThrow('multiFill[0] must hold numbers');
    const noInfill = Tokenizer.fromConfig({ resolution: 12, time_signatures: ['4/4'], num_bars_map: [4] });
    expect(() => noInfill.encode(score.window(0, 4), { multiFill: [[0, 1]] })).toThrow('does not support infill');
    const json = score.window(0, 4).toJSON();
    json.tracks[0]!.bars[0]!.ts = [5, 16];
    json.tracks[0]!.bars[0]!.beat_length = 1.25;
    expect(() => Tokenizer.load('ghost').encode(Score.fromJSON(json))).toThrow('time signature 5/16 is not in');
  });
});
