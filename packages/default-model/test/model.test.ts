// The shipped default model: its files, its measured numbers, and its card.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDataset, sampleStream } from '@midigpt/dataset';
import { Gpt2Runtime, InferenceEngine } from '@midigpt/inference';
import { repoRoot } from '../../../tests/support/parity.js';

const pop909 = path.resolve(repoRoot, '../shared/data/pop909');
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

  it('beats the unigram baseline and a uniform guess on held-out pieces, measured here on the shipped int8 model', async () => {
    // The held-out POP909 pieces (split by content hash, as for training) and the trainer's
    // validation samples (stream seed 0): the first 8 of them, teacher-forced.
    const data = mkdtempSync(path.join(tmpdir(), 'midigpt-heldout-'));
    await buildDataset([pop909], data, { cacheDir: path.join(data, 'cache') });
    const options = { maxSeqLen: 1024, infillProbability: 0.75, maxTracks: 12 };
    const take = (split: 'train' | 'validation', n: number) => {
      const out: Int32Array[] = [];
      for (const { sample } of sampleStream(data, { seed: 0, split, ...options })) {
        if (sample.tokens.length >= 2) out.push(Int32Array.from(sample.tokens));
        if (out.length === n) break;
      }
      return out;
    };
    const heldOut = take('validation', 8);
    expect(heldOut).toHaveLength(8);
    // The unigram baseline: token frequencies of 300 training samples (add-one smoothed).
    const vocab = 647;
    const counts = new Float64Array(vocab).fill(1);
    for (const tokens of take('train', 300)) for (const t of tokens) counts[t]!++;
    const total = counts.reduce((a, b) => a + b, 0);
    let unigram = 0;
    let model = 0;
    let n = 0;
    const runtime = await Gpt2Runtime.create(readFileSync(defaultModelPath), { threads: 2 });
    for (const tokens of heldOut) {
      const logits = await runtime.forward(tokens, runtime.createCache(tokens.length));
      for (let t = 0; t + 1 < tokens.length; t++) {
        const row = logits.subarray(t * vocab, (t + 1) * vocab);
        const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
        const logSum = Math.log(row.reduce((a, b) => a + Math.exp(b - max), 0));
        model -= row[tokens[t + 1]!]! - max - logSum;
        unigram -= Math.log(counts[tokens[t + 1]!]! / total);
        n++;
      }
    }
    await runtime.release();
    const [loss, unigramLoss] = [model / n, unigram / n];
    expect(loss).toBeLessThan(unigramLoss - 1); // far better than token frequencies
    expect(unigramLoss).toBeLessThan(Math.log(vocab)); // which beat a uniform guess (an untrained model)
    // The model card's number (all 44 held-out pieces) is what this slice shows, within sampling noise.
    expect(Math.abs(loss - metrics.validation.onnx_int8_loss!)).toBeLessThan(0.3);
    expect(metrics.validation.onnx_int8_loss! - metrics.validation.onnx_fp32_loss!).toBeLessThan(0.02); // int8 costs little
  }, 120_000);

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
