// Sampling filters, the seeded generator, and runs of the engine.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Score } from '@midigpt/core';
import { InferenceEngine, Random, TokenSampler, type FilterSettings } from '../src/index.js';
import { parityDir, parityMidiPath } from '../../../tests/support/parity.js';

const off: FilterSettings = { temperature: 1, top_k: 0, top_p: 1, mask_k: 0, mask_p: 0 };
// Logits whose softmax is [0.4, 0.3, 0.2, 0.1] (up to rounding) over ids 0-3; id 4 illegal.
const logits = Float32Array.from([Math.log(0.4), Math.log(0.3), Math.log(0.2), Math.log(0.1), 10]);
const legal = Uint8Array.from([1, 1, 1, 1, 0]);

function frequencies(settings: FilterSettings, draws = 4000): number[] {
  const sampler = new TokenSampler(5);
  const random = new Random(1);
  const counts = [0, 0, 0, 0, 0];
  for (let i = 0; i < draws; i++) counts[sampler.pick(logits, legal, settings, random)]!++;
  return counts.map((c) => c / draws);
}

describe('TokenSampler', () => {
  it('never picks an illegal token and follows the distribution', () => {
    const f = frequencies(off);
    expect(f[4]).toBe(0);
    expect(f[0]).toBeGreaterThan(0.35);
    expect(f[3]).toBeLessThan(0.15);
  });

  it('top_k = 1 is the arg-max of the legal logits', () => {
    expect(new TokenSampler(5).pick(logits, legal, { ...off, top_k: 1 }, new Random(0))).toBe(0);
  });

  it('temperature 0 is greedy: the arg-max of the legal logits, lowest id on ties', () => {
    expect(frequencies({ ...off, temperature: 0 })[0]).toBe(1);
    const tied = Float32Array.from([1, 3, 3, 2, 9]);
    expect(new TokenSampler(5).pick(tied, legal, { ...off, temperature: 0 }, new Random(0))).toBe(1);
  });

  it('collapsed logits (NaN, +Inf, all -Inf) give the uniform fallback over legal ids, greedy too', () => {
    for (const bad of [NaN, Infinity]) {
      const broken = Float32Array.from([0, 5, bad, 1, 99]);
      const allowedTail = Uint8Array.from([0, 1, 1, 1, 0]);
      expect(new TokenSampler(5).pick(broken, allowedTail, { ...off, top_k: 1 }, new Random(0))).toBe(1); // the lowest legal id, not the bad one
      const counts = [0, 0, 0, 0, 0];
      const sampler = new TokenSampler(5);
      const random = new Random(2);
      for (let i = 0; i < 3000; i++) counts[sampler.pick(broken, allowedTail, off, random)]!++;
      expect(counts[0]).toBe(0);
      expect(counts[4]).toBe(0);
      for (const id of [1, 2, 3]) expect(counts[id]! / 3000).toBeGreaterThan(0.25);
    }
    const dead = Float32Array.from([-Infinity, -Infinity, -Infinity, -Infinity, 0]);
    expect(new TokenSampler(5).pick(dead, legal, { ...off, temperature: 0 }, new Random(0))).toBe(0);
  });

  it('never returns an illegal id: with nothing legal it throws', () => {
    const none = new Uint8Array(5);
    expect(() => new TokenSampler(5).pick(logits, none, off, new Random(0))).toThrow('no legal token');
    expect(() => new TokenSampler(5).pick(logits, none, { ...off, top_k: 1 }, new Random(0))).toThrow('no legal token');
  });

  it('top_k keeps the k most likely; top_p keeps the prefix that crosses p', () => {
    expect(frequencies({ ...off, top_k: 2 }).map((x) => x > 0)).toEqual([true, true, false, false, false]);
    expect(frequencies({ ...off, top_p: 0.7 }).map((x) => x > 0)).toEqual([true, true, false, false, false]);
    expect(frequencies({ ...off, top_p: 0.71 }).map((x) => x > 0)).toEqual([true, true, true, false, false]);
  });

  it('mask_k and mask_p drop the most likely survivors, never all of them', () => {
    expect(frequencies({ ...off, mask_k: 1 }).map((x) => x > 0)).toEqual([false, true, true, true, false]);
    expect(frequencies({ ...off, mask_p: 0.5 }).map((x) => x > 0)).toEqual([false, false, true, true, false]);
    expect(frequencies({ ...off, top_k: 1, mask_k: 1 })[0]).toBe(1); // top_k 1 is greedy
    expect(frequencies({ ...off, top_k: 2, mask_p: 0.99 }).map((x) => x > 0)).toEqual([false, true, false, false, false]);
  });
});

describe('Random', () => {
  it('gives the same stream for the same seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    for (const x of sa) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('InferenceEngine', () => {
  let engine: InferenceEngine;
  const score = Score.fromMidi(parityMidiPath('edge_drums_and_melodic.mid')).window(0, 8);
  const request = (config: object) => ({ tracks: [{ id: 0, bars: [2] }, { id: 1, bars: [] }], config: { model_dim: 4, ...config } });

  beforeAll(async () => {
    engine = await InferenceEngine.fromCheckpoint(path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors'), { threads: 1 });
  });
  afterAll(async () => engine.release());

  it('is reproducible for a seed and changes only the target bars', async () => {
    const a = await engine.generate(score, request({ seed: 7, top_p: 0.9 }));
    const b = await engine.generate(score, request({ seed: 7, top_p: 0.9 }));
    expect(a.steps[0]!.generated).toEqual(b.steps[0]!.generated);
    const out = a.score.toJSON();
    const before = score.toJSON();
    expect(out.tracks[0]!.bars[2]!.notes.length).toBeGreaterThan(0);
    out.tracks[0]!.bars[2] = before.tracks[0]!.bars[2]!;
    expect(out).toEqual(before);
  });

  it('hides masked bars in every mask mode: what they hold does not change what is generated', async () => {
    // The same score with other notes in bar 3 of track 0: hidden, it cannot matter (greedy runs).
    const json = score.toJSON();
    json.tracks[0]!.bars[3]!.notes = [[40, 100, 0, 240, 0], [47, 90, 480, 240, 0], [52, 80, 960, 960, 0]];
    const changed = Score.fromJSON(json);
    const run = (s: Score, mask_mode: string, mask_bars: number[]) =>
      engine.generate(s, { tracks: [{ id: 0, bars: [2], mask_bars }, { id: 1, bars: [] }], config: { model_dim: 4, mask_mode, top_k: 1, seed: 0 } });
    for (const mask_mode of ['attention', 'attention_approx', 'attention_skip', 'remove']) {
      const a = await run(score, mask_mode, [3]);
      const b = await run(changed, mask_mode, [3]);
      expect(a.steps[0]!.generated.length).toBeGreaterThan(0);
      expect(b.steps[0]!.generated, mask_mode).toEqual(a.steps[0]!.generated);
      if (mask_mode !== 'remove') expect(a.steps[0]!.hiddenSpans.length).toBe(1);
    }
    // Shown, the bar does matter: the check above could fail.
    const shown = await run(score, 'attention', []);
    const shownChanged = await run(changed, 'attention', []);
    expect(shownChanged.steps[0]!.generated).not.toEqual(shown.steps[0]!.generated);
  });

  it('has the reference shape session(score, request).run() and reports progress', async () => {
    const events: Array<{ tokens: number; steps: number }> = [];
    const result = await engine.session(score, request({ seed: 2 })).run({ onProgress: (p) => events.push(p) });
    expect(events.length).toBe(result.steps.reduce((n, s) => n + s.generated.length, 0));
    expect(events.at(-1)!.tokens).toBe(events.length);
    expect(events[0]!.steps).toBe(result.steps.length);
    expect(() => engine.session(score, { tracks: [{ id: 9, bars: [1] }] })).toThrow('out of range');
  });

  it('stops on an aborted signal', async () => {
    const controller = new AbortController();
    const run = engine.generate(score, request({ seed: 1 }), {
      signal: controller.signal,
      onToken: (_step, n) => n === 3 && controller.abort(new Error('stopped by the user')),
    });
    await expect(run).rejects.toThrow('stopped by the user');
  });

  it('temperature 0 runs greedy: the same tokens as top_k = 1, whatever the seed', async () => {
    const greedy = await engine.generate(score, request({ temperature: 0, seed: 3 }));
    const topK1 = await engine.generate(score, request({ top_k: 1, seed: 11 }));
    expect(greedy.steps[0]!.generated).toEqual(topK1.steps[0]!.generated);
  });

  it('score tracks the request leaves out are context; session() keeps the reference rule', async () => {
    const listed = await engine.generate(score, request({ seed: 5 }));
    const unlisted = await engine.generate(score, { tracks: [{ id: 0, bars: [2] }], config: { model_dim: 4, seed: 5 } });
    expect(unlisted.steps[0]!.prompt).toEqual(listed.steps[0]!.prompt);
    expect(unlisted.steps[0]!.generated).toEqual(listed.steps[0]!.generated);
    expect(() => engine.session(score, { tracks: [{ id: 0, bars: [2] }] })).toThrow('score track 1 has no prompt');
  });

  it('the silence check counts only the notes the user gets; turned off, it warns', async () => {
    // Here the first attempts put their notes past the end of the bar (B16): the finished score drops
    // them, so those attempts are silent and must be retried.
    const pop = Score.fromMidi(parityMidiPath('POP909_008.mid'));
    const req = (silence_check: boolean) => ({
      tracks: [{ id: 0, bars: [8, 9] }],
      config: { seed: 3, polyphony_hard_limit: 1, density_hard_limit: 2, model_dim: 4, silence_check },
    });
    const checked = await engine.generate(pop, req(true));
    expect(checked.steps.map((s) => s.attempts)).toEqual([2, 2]);
    for (const b of [8, 9]) expect(checked.score.tracks[0]!.bars[b]!.notes.length).toBeGreaterThan(0);
    const unchecked = await engine.generate(pop, req(false));
    expect(unchecked.steps.map((s) => s.attempts)).toEqual([1, 1]);
    expect(unchecked.warnings).toContain('step 1: no notes in the generated bars (silence_check is off)');
  });

  it('rejects invalid requests before running the model', async () => {
    await expect(engine.generate(score, { tracks: [{ id: 0, bars: [99] }] })).rejects.toThrow('out of range');
  });
});

describe('mismatched files', () => {
  it('refuses a model whose vocabulary does not match its encoder config', async () => {
    const { readSafetensorsCheckpoint, convertToOnnx } = await import('../src/index.js');
    const checkpoint = readSafetensorsCheckpoint(path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors'));
    const prism = JSON.stringify(JSON.parse(readFileSync(path.join(parityDir, 'configs', 'prism_encoder.json'), 'utf8')));
    await expect(InferenceEngine.fromOnnx(convertToOnnx({ ...checkpoint, encoderConfig: prism }))).rejects.toThrow('do not belong together');
  });
});

describe('engine extras', () => {
  const checkpointPath = path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors');
  const maestro = Score.fromMidi(parityMidiPath('Maestro_1.mid')).window(0, 8);
  const request = { tracks: [{ id: 0, bars: [5] }], config: { model_dim: 8, top_k: 1, seed: 0, max_attempts: 1 } };

  it('falls back to a smaller window when the prompt does not fit the model', async () => {
    const { readSafetensorsCheckpoint, convertToOnnx } = await import('../src/index.js');
    const checkpoint = readSafetensorsCheckpoint(checkpointPath);
    // The same model with only 256 positions: an 8-bar prompt (292 tokens) cannot fit, a 4-bar one can.
    const wpe = checkpoint.weights.get('transformer.wpe.weight')!;
    const weights = new Map(checkpoint.weights);
    weights.set('transformer.wpe.weight', { ...wpe, shape: [256, 64], data: wpe.data.subarray(0, 256 * 64) });
    const short = await InferenceEngine.fromOnnx(convertToOnnx({ ...checkpoint, config: { ...checkpoint.config, n_positions: 256 }, weights }));
    const result = await short.generate(maestro, request);
    expect(result.warnings.join()).toContain('used 4');
    expect(result.steps[0]!.step.end_bar - result.steps[0]!.step.start_bar).toBe(4);
    await short.release();
  });

  it('logs tokens as JSON lines and scores a continuation', async () => {
    const { TokenLogger } = await import('../src/index.js');
    const engine = await InferenceEngine.fromCheckpoint(checkpointPath);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'midigpt-log-')), 'logs', 'tokens.jsonl');
    const result = await engine.generate(maestro, { ...request, config: { ...request.config, model_dim: 4 } }, { logger: new TokenLogger(file) });
    const generated = result.steps[0]!.generated;
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'token')).toHaveLength(generated.length);
    expect(lines.at(-1)).toMatchObject({ type: 'step_summary', tokens_generated: generated.length });
    expect(lines[0]).toMatchObject({ type: 'token', pos: 0, tid: generated[0] });

    const scores = await engine.scoreFromTokens(maestro, { ...request, config: { ...request.config, model_dim: 4 } }, generated);
    expect(scores.n_tokens).toBe(generated.length);
    expect(scores.log_probs.every((x) => Number.isFinite(x) && x <= 0)).toBe(true);
    expect(scores.total_logp).toBeCloseTo(scores.log_probs.reduce((a, b) => a + b, 0), 6);
    const illegal = await engine.scoreFromTokens(maestro, { ...request, config: { ...request.config, model_dim: 4 } }, [0, ...generated.slice(0, 2)]);
    expect(illegal.log_probs).toEqual([-Infinity, -Infinity, -Infinity]); // PieceStart cannot follow a prompt, nor anything after it
    await engine.release();
  });

  it('scoreFromTokens gives the log-probabilities generation saw, in every mask mode', async () => {
    const engine = await InferenceEngine.fromCheckpoint(checkpointPath);
    const piece = Score.fromMidi(parityMidiPath('edge_drums_and_melodic.mid')).window(0, 8);
    for (const mask_mode of ['attention', 'attention_approx', 'attention_skip', 'remove']) {
      const req = { tracks: [{ id: 0, bars: [2], mask_bars: [3] }, { id: 1, bars: [] }], config: { model_dim: 4, mask_mode, seed: 5, top_p: 0.9 } };
      const result = await engine.generate(piece, req);
      const { generated, logProbs } = result.steps[0]!;
      expect(logProbs).toHaveLength(generated.length);
      const scores = await engine.scoreFromTokens(piece, req, generated);
      expect(scores.log_probs.length).toBe(generated.length);
      scores.log_probs.forEach((lp, i) => expect(lp, `${mask_mode} token ${i}`).toBeCloseTo(logProbs[i]!, 4));
    }
    await engine.release();
  });
});

describe('variations', () => {
  it('samples several results in one batch, each as its own seeded run would, best first', async () => {
    const engine = await InferenceEngine.fromCheckpoint(path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors'));
    const score = Score.fromMidi(parityMidiPath('edge_drums_and_melodic.mid')).window(0, 8);
    const request = (seed: number) => ({ tracks: [{ id: 0, bars: [2, 5] }, { id: 1, bars: [] }], config: { model_dim: 4, seed, top_p: 0.95, max_attempts: 1 } });
    const batch = await engine.generateVariations(score, request(5), 3);
    expect(batch).toHaveLength(3);
    for (let i = 1; i < batch.length; i++) expect(batch[i - 1]!.logLikelihood).toBeGreaterThanOrEqual(batch[i]!.logLikelihood);
    for (let k = 0; k < 3; k++) {
      const solo = await engine.generate(score, request(5 + 1000 * k));
      const match = batch.find((v) => JSON.stringify(v.steps.map((s) => s.generated)) === JSON.stringify(solo.steps.map((s) => s.generated)));
      expect(match, `variation ${k}`).toBeDefined();
      expect(match!.logLikelihood).toBeCloseTo(solo.logLikelihood, 3);
    }
    await expect(engine.generateVariations(score, request(5), 0)).rejects.toThrow('from 1 to 64');
    await engine.release();
  });
});
