// Runtime parameters and attribute overrides (§1.8, §1.9) and the reference
// bugs around them (§6 items 3, 4, 5, 10, 12).
import { describe, expect, it } from 'vitest';
import { AttributeOverrides } from '../../src/live/attributes.js';
import { ErrorCode, LiveError } from '../../src/live/errors.js';
import { defaultParams, ParamTable } from '../../src/live/params.js';
import { FAKE_INFO } from '../support/fakes.js';

function refused(fn: () => void): number | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof LiveError) return error.code;
    throw error;
  }
  return undefined;
}

describe('parameters', () => {
  it('has the reference defaults, with mask_mode fitted to the model (§6 item 3)', () => {
    expect(defaultParams(FAKE_INFO)).toMatchObject({
      lookahead_bars: 1,
      buffer_bars: 4,
      num_anticipated_bars: 1,
      temperature: 1,
      model_dim: 8,
      adapt_buffer: true,
      max_attempts: 3,
      warmup_policy: 'a_empty',
      mask_mode: 'attention',
      gen_timeout: 0,
      sampling_seed: -1,
    });
    expect(defaultParams({ ...FAKE_INFO, modelDims: [4] }).model_dim).toBe(4);
  });

  it('start-up values survive reset and reset_all (§6 item 4)', () => {
    const table = new ParamTable(FAKE_INFO, { buffer_bars: 6, lookahead_bars: 2, model_dim: 8, gen_timeout: 2.5, max_attempts: 5 });
    table.set('max_attempts', 1);
    table.set('buffer_bars', 3);
    table.reset('max_attempts');
    expect(table.effective().max_attempts).toBe(5);
    table.resetAll();
    expect(table.effective()).toMatchObject({ buffer_bars: 6, lookahead_bars: 2, gen_timeout: 2.5, max_attempts: 5 });
  });

  it('refuses unknown names, bad types and values inference would refuse (§6 items 5, 12)', () => {
    const table = new ParamTable(FAKE_INFO);
    const bad: Array<[string, unknown]> = [
      ['nope', 1],
      ['temperature', 'hot'],
      ['temperature', 0],
      ['buffer_bars', 1],
      ['buffer_bars', 2.5],
      ['model_dim', 16], // not one of the model's windows
      ['model_dim', 6],
      ['top_p', 0],
      ['mask_p', 1],
      ['lookahead_bars', 9],
      ['warmup_policy', 'c'],
      ['mask_mode', 'blur'],
      ['adapt_buffer', 'maybe'],
      ['max_attempts', 0],
      ['gen_timeout', -1],
    ];
    for (const [name, value] of bad) expect(refused(() => table.set(name, value as never)), `${name}=${String(value)}`).toBe(ErrorCode.invalidParam);
    table.set('top_p', 0.5);
    expect(refused(() => table.set('mask_p', 0.6))).toBe(ErrorCode.invalidParam);
    table.set('top_k', 10);
    expect(refused(() => table.set('mask_k', 10))).toBe(ErrorCode.invalidParam);
    table.set('model_dim', 4);
    expect(refused(() => table.set('num_anticipated_bars', 5))).toBe(ErrorCode.invalidParam);
  });

  it('coerces booleans properly: "false" and "0" are false (§6 item 12)', () => {
    const table = new ParamTable(FAKE_INFO);
    table.set('novelty_check', 'false');
    table.set('silence_check', '0');
    table.set('adapt_buffer', 0);
    expect(table.effective()).toMatchObject({ novelty_check: false, silence_check: false, adapt_buffer: false });
    table.set('adapt_buffer', 'true');
    expect(table.effective().adapt_buffer).toBe(true);
  });

  it('accepts numeric strings and integral floats for integers', () => {
    const table = new ParamTable(FAKE_INFO);
    table.set('buffer_bars', '3');
    table.set('lookahead_bars', 2.0);
    expect(table.effective()).toMatchObject({ buffer_bars: 3, lookahead_bars: 2 });
  });

  it('substitutes attention_skip for token on a model without MaskBar, as the reference did', () => {
    const table = new ParamTable(FAKE_INFO);
    table.set('mask_mode', 'token');
    expect(table.effective().mask_mode).toBe('attention_skip');
    const masked = new ParamTable({ ...FAKE_INFO, supportsMaskBar: true, defaultMaskMode: 'token' });
    expect(masked.effective().mask_mode).toBe('token');
  });

  it('one-shot values apply on top until cleared', () => {
    const table = new ParamTable(FAKE_INFO);
    table.setOnce('temperature', 1.5);
    expect(table.effective().temperature).toBe(1.5);
    table.clearOnce();
    expect(table.effective().temperature).toBe(1);
    table.setOnce('temperature', 2);
    table.reset('temperature');
    expect(table.effective().temperature).toBe(1);
  });
});

describe('attribute overrides', () => {
  it('checks names, levels, bar-level attributes and the agent kind when set (§6 item 5)', () => {
    const attrs = new AttributeOverrides(FAKE_INFO.attributes);
    expect(refused(() => attrs.set('loudness', 1, false))).toBe(ErrorCode.invalidParam);
    expect(refused(() => attrs.set('min_note_duration', 6, false))).toBe(ErrorCode.invalidParam);
    expect(refused(() => attrs.set('tension', 3, false))).toBe(ErrorCode.invalidParam);
    expect(refused(() => attrs.set('note_density', 3, false))).toBe(ErrorCode.invalidParam);
    expect(refused(() => attrs.set('max_polyphony', 3, true))).toBe(ErrorCode.invalidParam);
    expect(refused(() => attrs.set('max_polyphony', 'many', false))).toBe(ErrorCode.invalidParam);
    attrs.set('max_polyphony', 2, false);
    attrs.set('min_note_duration', 5, null);
    expect(attrs.snapshot()).toEqual({ max_polyphony: 2, min_note_duration: 5 });
    attrs.set('max_polyphony', -1, false);
    expect(attrs.snapshot()).toEqual({ min_note_duration: 5 });
    expect(refused(() => attrs.checkAgent(true))).toBeUndefined();
    attrs.set('min_polyphony', 1, null);
    expect(refused(() => attrs.checkAgent(true))).toBe(ErrorCode.invalidParam);
  });
});
