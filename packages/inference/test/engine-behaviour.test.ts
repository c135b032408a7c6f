// The engine's own behaviour (generation.md §5.6, §9), on a scripted model
// that can be made to fail a check on chosen attempts: retries, temperature
// escalation, the seed policy, the silence and novelty checks (off = warn
// only), the context-nearly-full warning and B8's positions.
import { describe, expect, it } from 'vitest';
import { Score, Tokenizer, type ScoreJSON } from '@midigpt/core';
import { InferenceEngine } from '../src/index.js';
import { parityMidiPath } from '../../../tests/support/parity.js';
import { favour, ScriptedModel, type Script } from './scripted-model.js';

const tokenizer = Tokenizer.load('yellow');
const names = tokenizer.tokenNames();
const fillInStart = names.findIndex((n) => n.startsWith('FillInStart:'));
const NOTE_TYPES = ['TimeAbsolutePos', 'NoteOnset', 'NoteDuration', 'VelocityLevel'];

// The input with bar 2 of track 0 emptied, so an empty result is also "identical to the input".
const json: ScoreJSON = Score.fromMidi(parityMidiPath('edge_drums_and_melodic.mid')).window(0, 8).toJSON();
json.tracks[0]!.bars[2]!.notes = [];
const score = Score.fromJSON(json);
const request = (config: object, extra: object = {}) => ({ tracks: [{ id: 0, bars: [2], ...extra }], config: { model_dim: 4, seed: 1, ...config } });

// The grammar wants a note in a fill-in block: this one puts it past the end of the bar (B16),
// where the finished score drops it, and ends the block. An empty bar.
const lastPosition = names.findLastIndex((n) => n.startsWith('TimeAbsolutePos:'));
const silent: Script = () => {
  const row = favour(names, ['FillInEnd'], 20);
  row[lastPosition] = 20;
  return row;
};
// A few notes inside the bar (positions of its first half), then the end of the block.
const early = names.map((n) => /^TimeAbsolutePos:(\d+)$/.exec(n)).map((m) => (m && Number(m[1]) < 24 ? 1 : 0));
const notes: Script = (history) => {
  const since = history.length - 1 - history.lastIndexOf(fillInStart);
  if (since >= 12) return favour(names, ['FillInEnd']);
  const row = favour(names, NOTE_TYPES.filter((t) => t !== 'TimeAbsolutePos'), 4);
  early.forEach((e, id) => e && (row[id] = 4));
  return row;
};
// Silent on the first `n` attempts of the run, notes after.
const silentFor = (n: number): Script => (history, prefill) => (prefill < n ? silent(history, prefill) : notes(history, prefill));

const engineOn = (script: Script, positions = 4096) => {
  const model = new ScriptedModel(tokenizer.vocabSize, positions, script);
  return { model, engine: InferenceEngine.fromRuntime(model, tokenizer) };
};
const notesIn = (s: Score) => s.tracks[0]!.bars[2]!.notes.length;

describe('attempts and checks (scripted model)', () => {
  it('retries a silent result with escalating temperature until it has notes', async () => {
    const { engine, model } = engineOn(silentFor(2));
    const r = await engine.generate(score, request({ temperature: 0.8, temperature_escalation: 1.5, max_attempts: 3 }));
    expect(model.prefills).toBe(3);
    expect(r.steps[0]!.attempts).toBe(3);
    expect(r.steps[0]!.temperature).toBeCloseTo(0.8 * 1.5 ** 2, 10);
    expect(notesIn(r.score)).toBeGreaterThan(0);
    expect(r.warnings).toEqual([]);
  });

  it('a retried attempt runs none of its prompt again (one token, for the logits), and gives what a fresh run gives', async () => {
    const config = { temperature: 0.8, temperature_escalation: 1.5, max_attempts: 3 };
    const shared = engineOn(silentFor(2));
    const r = await shared.engine.generate(score, request(config));
    const prefills = shared.model.calls.filter((c) => c.kind === 'prefill');
    const promptLength = r.steps[0]!.prompt.length;
    expect(prefills.map((c) => c.tokens.length)).toEqual([promptLength, 1, 1]);
    expect(prefills[1]!.positions).toEqual([promptLength - 1]);
    expect(r.steps[0]!.reusedTokens).toBe(promptLength - 1);

    const fresh = engineOn(silentFor(2));
    fresh.engine.reusePrompts = false;
    const again = await fresh.engine.generate(score, request(config));
    expect(fresh.model.calls.filter((c) => c.kind === 'prefill').map((c) => c.tokens.length)).toEqual([promptLength, promptLength, promptLength]);
    expect(again.steps[0]!.reusedTokens).toBe(0);
    expect(again.score.toJSON()).toEqual(r.score.toJSON());
    expect(again.steps[0]!.generated).toEqual(r.steps[0]!.generated);
  });

  it('variations of one prompt prefill it once; lanes retried alone go on from nothing shared', async () => {
    const { engine, model } = engineOn(notes);
    const results = await engine.generateVariations(score, request({ temperature: 1 }), 3);
    const prefills = model.calls.filter((c) => c.kind === 'prefill');
    expect(prefills).toHaveLength(1);
    expect(results.map((r) => r.steps[0]!.reusedTokens).sort((a, b) => a - b)).toEqual([0, results[0]!.steps[0]!.prompt.length, results[0]!.steps[0]!.prompt.length]);
  });

  it('gives up after max_attempts with every reason', async () => {
    const { engine } = engineOn(silentFor(5));
    await expect(engine.generate(score, request({ max_attempts: 2, novelty_check: false }))).rejects.toThrow(
      'step 1: no acceptable result after 2 attempt(s): no notes in the generated bars; no notes in the generated bars',
    );
  });

  it('greedy decoding is not retried: every attempt would give the same result', async () => {
    for (const config of [{ temperature: 0 }, { top_k: 1 }]) {
      const { engine, model } = engineOn(silentFor(5));
      await expect(engine.generate(score, request({ ...config, max_attempts: 3 }))).rejects.toThrow(
        'no acceptable result after 1 attempt(s): no notes in the generated bars (greedy decoding gives the same result on every attempt',
      );
      expect(model.prefills).toBe(1);
    }
  });

  it('the novelty check rejects a result identical to the input (here: empty as it was)', async () => {
    const { engine } = engineOn(silentFor(5));
    await expect(engine.generate(score, request({ max_attempts: 2, silence_check: false }))).rejects.toThrow('the generated bars are identical to the input');
  });

  it('checks that are off only warn', async () => {
    const { engine, model } = engineOn(silentFor(5));
    const r = await engine.generate(score, request({ silence_check: false, novelty_check: false }));
    expect(model.prefills).toBe(1);
    expect(notesIn(r.score)).toBe(0);
    expect(r.warnings).toEqual([
      'step 1: no notes in the generated bars (silence_check is off)',
      'step 1: the generated bars are identical to the input (novelty_check is off)',
    ]);
  });

  it('attempt k draws from seed + k (the reference\'s policy)', async () => {
    const retried = await engineOn(silentFor(1)).engine.generate(score, request({ seed: 7, top_p: 0.9 }));
    const direct = await engineOn(notes).engine.generate(score, request({ seed: 8, top_p: 0.9 }));
    expect(retried.steps[0]!.attempts).toBe(2);
    expect(retried.steps[0]!.generated).toEqual(direct.steps[0]!.generated);
    const other = await engineOn(notes).engine.generate(score, request({ seed: 9, top_p: 0.9 }));
    expect(other.steps[0]!.generated).not.toEqual(direct.steps[0]!.generated); // the seed matters here
  });
});

describe('context and positions (scripted model)', () => {
  it('warns when the prompt leaves little room in the context', async () => {
    const roomy = engineOn(notes);
    await roomy.engine.generate(score, request({}));
    const promptLength = roomy.model.calls[0]!.tokens.length;
    expect((await roomy.engine.generate(score, request({}))).warnings).toEqual([]);
    const tight = engineOn(notes, promptLength + 60);
    const r = await tight.engine.generate(score, request({}));
    expect(r.warnings).toEqual([
      `step 1: the prompt takes ${promptLength} of the model's ${promptLength + 60} positions: only 59 tokens are left to generate (use a smaller model_dim, fewer tracks, or ignore some)`,
    ]);
  });

  it('a prompt longer than the context is refused with CONTEXT_OVERFLOW (resource guard)', async () => {
    const roomy = engineOn(notes);
    await roomy.engine.generate(score, request({}));
    const promptLength = roomy.model.calls[0]!.tokens.length;
    const small = engineOn(notes, promptLength - 1);
    await expect(small.engine.generate(score, request({}))).rejects.toMatchObject({
      code: 'CONTEXT_OVERFLOW',
      message: `step 1: the prompt has ${promptLength} tokens; the model takes at most ${promptLength - 1}`,
    });
    expect(small.model.prefills).toBe(0);
  });

  it('generation stops at the context budget when the model never ends the bar (resource guard)', async () => {
    const endless: Script = () => favour(names, NOTE_TYPES);
    const roomy = engineOn(notes);
    await roomy.engine.generate(score, request({}));
    const promptLength = roomy.model.calls[0]!.tokens.length;
    const tight = engineOn(endless, promptLength + 20);
    const r = await tight.engine.generate(score, request({ max_attempts: 1, silence_check: false, novelty_check: false }));
    // The prompt, then the 19 tokens left: the step ends there, with the warning.
    expect(r.steps[0]!.logProbs).toHaveLength(19);
    expect(tight.model.calls.reduce((n, c) => n + c.tokens.length, 0)).toBe(promptLength + 18);
    expect(r.warnings).toHaveLength(1);
  });

  it('B8: in attention_skip, generated tokens continue right after the last kept prompt position', async () => {
    const { engine, model } = engineOn(notes);
    const r = await engine.generate(score, request({ mask_mode: 'attention_skip' }, { mask_bars: [3] }));
    expect(r.steps[0]!.hiddenSpans.length).toBe(1);
    const prefill = model.calls.find((c) => c.kind === 'prefill')!;
    const first = model.calls.find((c) => c.kind === 'forward')!;
    const lastKept = prefill.positions.at(-1)!;
    expect(prefill.positions.length).toBeLessThan(r.steps[0]!.prompt.length); // the hidden span was left out
    expect(lastKept).toBe(r.steps[0]!.prompt.length - 1);
    expect(first.positions).toEqual([lastKept + 1]);
  });
});
