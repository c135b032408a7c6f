// The shipped default model: its files, its measured numbers, and its card.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InferenceEngine } from '@midigpt/inference';
import { defaultCheckpointPath, defaultModelMetrics, defaultModelPath, modelCardPath } from '../src/index.js';

describe('@midigpt/default-model', () => {
  const metrics = defaultModelMetrics();

  it('ships an ONNX model under 15 MB that loads as a yellow-encoder GPT-2', async () => {
    expect(statSync(defaultModelPath).size).toBe(metrics.model.onnx_bytes);
    expect(metrics.model.onnx_bytes).toBeLessThanOrEqual(15_000_000);
    const engine = await InferenceEngine.fromOnnx(defaultModelPath, { threads: 1 });
    expect(engine.runtime.config).toMatchObject({ vocab_size: 647, n_embd: metrics.model.n_embd, n_layer: metrics.model.n_layer, n_head: metrics.model.n_head });
    expect(engine.tokenizer.numBarsMap()).toEqual([4, 8]);
    await engine.release();
    expect(existsSync(defaultCheckpointPath)).toBe(true);
  });

  it('beats the unigram baseline and the untrained model on held-out pieces, also as int8', () => {
    const v = metrics.validation;
    expect(v.loss!).toBeLessThan(v.unigram_loss!);
    expect(v.unigram_loss!).toBeLessThan(v.untrained_loss!);
    expect(Math.abs(v.onnx_fp32_loss! - v.loss!)).toBeLessThan(1e-3); // the conversion is exact
    expect(v.onnx_int8_loss! - v.onnx_fp32_loss!).toBeLessThan(0.02); // int8 costs little
    expect(metrics.training.pieces.validation).toBeGreaterThan(0);
  });

  it('has a model card with the measured numbers', () => {
    const card = readFileSync(modelCardPath, 'utf8');
    const infill = metrics.infill as { infills: number; degenerate_fraction: number };
    expect(infill.infills).toBe(100);
    expect(infill.degenerate_fraction).toBeLessThanOrEqual(0.05);
    expect(card).toContain(`**${metrics.validation.loss!.toFixed(3)}**`);
    expect(card).toContain(`${(metrics.training.tokens_seen / 1e6).toFixed(1)} M training tokens seen`);
    expect(card).toContain('![training curve](training-curve.png)');
    expect(card).toContain('MIT');
    expect(card).toContain('scripts/reproduce.sh');
  });
});
