// Greedy generation with the tiny model against the reference's runs
// (tiny_model_greedy_sessions.json): the prompt and the generated tokens of
// every step of the infill runs (attention, remove, attention_skip); for the
// autoregressive runs, the first step exactly. The reference's later AR steps
// generate nothing because its token budget is counted per run, not per step
// (generation.md §9 B4, fixed here: our later steps do generate).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Score, type ScoreJSON } from '@midigpt/core';
import { InferenceEngine } from '@midigpt/inference';
import path from 'node:path';
import { parityDir, parityFile, parityMidiPath, printParityReport, type GreedyRun } from '../support/parity.js';

const all = parityFile<{ runs: Array<GreedyRun<ScoreJSON>> }>('tiny_model_greedy_sessions.json').runs;
const runs = all.filter((r) => r.request.startsWith('infill'));
const arRuns = all.filter((r) => r.request.startsWith('ar'));
let engine: InferenceEngine;
const counts = { prompts: 0, generated: 0, total: 0 };

beforeAll(async () => {
  engine = await InferenceEngine.fromCheckpoint(path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors'), { threads: 1 });
});

afterAll(async () => {
  await engine.release();
  printParityReport('Greedy infill sessions with the tiny model (steps matched)', [
    ['prompts', counts.prompts, counts.total],
    ['generated tokens', counts.generated, counts.total],
  ]);
});

describe('greedy infill sessions', () => {
  it.each(runs.map((r) => [`${r.file} ${r.request} ${r.mask_mode}`, r] as const))('%s', async (_label, run) => {
    const score = Score.fromMidi(parityMidiPath(run.file)).window(0, 8);
    const listed = new Set(run.tracks.map((t) => t.id));
    const tracks = [...run.tracks, ...score.tracks.map((_, id) => ({ id, bars: [] as number[] })).filter((t) => !listed.has(t.id))];
    const result = await engine.generate(score, { tracks, config: run.inference_config });
    expect(result.steps).toHaveLength(run.steps.length);
    for (const [i, expected] of run.steps.entries()) {
      counts.total++;
      expect({ step: i, prompt: Array.from(result.steps[i]!.prompt) }).toEqual({ step: i, prompt: expected.context_tokens });
      counts.prompts++;
      expect({ step: i, generated: result.steps[i]!.generated }).toEqual({ step: i, generated: expected.generated_tokens });
      counts.generated++;
    }
  });
});

describe('greedy autoregressive sessions (a new track over 8 bars)', () => {
  it.each(arRuns.map((r) => [`${r.file} ${r.request} ${r.mask_mode}`, r] as const))('%s', async (_label, run) => {
    const score = Score.fromJSON(run.input_score);
    const listed = new Set(run.tracks.map((t) => t.id));
    const tracks = [...run.tracks, ...score.tracks.map((_, id) => ({ id, bars: [] as number[] })).filter((t) => !listed.has(t.id))];
    const result = await engine.generate(score, { tracks, config: run.inference_config });
    expect(result.steps).toHaveLength(run.steps.length);
    counts.total++;
    expect(Array.from(result.steps[0]!.prompt)).toEqual(run.steps[0]!.context_tokens);
    counts.prompts++;
    expect(result.steps[0]!.generated).toEqual(run.steps[0]!.generated_tokens);
    counts.generated++;
    // B4: the reference's later steps get no tokens left; ours each have their own budget.
    for (const [i, step] of run.steps.entries()) if (i > 0) expect(step.generated_tokens).toHaveLength(0);
    for (const step of result.steps.slice(1)) expect(step.generated.length).toBeGreaterThan(0);
  });
});
