// Prompts that share work, on the tiny parity model: a multi-step infill and
// variations give the same results whether each prompt runs from its first
// token or goes on from what an earlier prompt of the request left in the
// cache, and the later steps do reuse part of their prompts.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Score } from '@midigpt/core';
import { InferenceEngine } from '../src/index.js';
import { parityDir, parityMidiPath } from '../../../tests/support/parity.js';

let engine: InferenceEngine;
const score = Score.fromMidi(parityMidiPath('I Gotta Feeling.mid')).window(0, 12);

beforeAll(async () => {
  engine = await InferenceEngine.fromCheckpoint(path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors'), { threads: 1 });
}, 120_000);

afterAll(async () => {
  await engine.release();
});

async function both<T>(run: () => Promise<T>): Promise<[T, T]> {
  engine.reusePrompts = false;
  const plain = await run();
  engine.reusePrompts = true;
  return [plain, await run()];
}

describe('prompt reuse (tiny model)', () => {
  it('a greedy multi-step infill gives the same tokens and score; later steps of the last track reuse most of their prompts', async () => {
    const last = score.tracks.length - 1;
    expect(last).toBeGreaterThan(0);
    const request = { tracks: [{ id: last, bars: [0, 1, 2, 3] }], config: { temperature: 0, model_dim: 8, bars_per_step: 1, silence_check: false, novelty_check: false } };
    const [plain, reused] = await both(() => engine.generate(score, request));
    expect(reused.steps.length).toBeGreaterThan(1);
    expect(reused.steps.map((s) => s.generated)).toEqual(plain.steps.map((s) => s.generated));
    expect(reused.score.toJSON()).toEqual(plain.score.toJSON());
    expect(plain.steps.every((s) => s.reusedTokens === 0)).toBe(true);
    expect(reused.steps[0]!.reusedTokens).toBe(0);
    // At the start of the piece the window stays put; the tracks before the last one come first in each
    // step's prompt, unchanged from step to step.
    for (const s of reused.steps.slice(1)) expect(s.reusedTokens).toBeGreaterThanOrEqual(s.prompt.length / 2);
  });

  it('seeded variations are the same with their prompt prefilled once', async () => {
    const request = { tracks: [{ id: 0, bars: [2, 3] }], config: { seed: 7, model_dim: 4, silence_check: false, novelty_check: false } };
    const [plain, reused] = await both(() => engine.generateVariations(score, request, 3));
    expect(reused.map((r) => r.steps.map((s) => s.generated))).toEqual(plain.map((r) => r.steps.map((s) => s.generated)));
    expect(reused.map((r) => r.logLikelihood)).toEqual(plain.map((r) => r.logLikelihood));
    expect(reused.filter((r) => r.steps[0]!.reusedTokens === r.steps[0]!.prompt.length)).toHaveLength(2);
  });
});
