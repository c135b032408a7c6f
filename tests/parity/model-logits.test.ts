// The converted tiny GPT-2 against the reference's logits
// (tiny_model_logits.json): the full-sequence path and the prefill +
// KV-cache path, max abs difference <= 1e-3 and the same argmax.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertToOnnx, Gpt2Runtime, readSafetensorsCheckpoint } from '@midigpt/inference';
import { parityDir, parityFile, printParityReport } from '../support/parity.js';

interface LogitsCase {
  tokens: number[];
  positions: Record<string, number[]>;
  argmax: Record<string, number>;
}

const reference = parityFile<{ logits: Record<string, LogitsCase> }>('tiny_model_logits.json').logits;
const modelPath = path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors');
let runtime: Gpt2Runtime;
const worst = { full: 0, cached: 0 };
let matched = 0;

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

function maxDiff(row: Float32Array, expected: number[]): number {
  return expected.reduce((m, v, i) => Math.max(m, Math.abs(v - row[i]!)), 0);
}

beforeAll(async () => {
  runtime = await Gpt2Runtime.create(convertToOnnx(readSafetensorsCheckpoint(modelPath)), { threads: 1 });
});

afterAll(async () => {
  await runtime.release();
  printParityReport(`Tiny GPT-2 logits (worst abs diff: full ${worst.full.toExponential(2)}, KV cache ${worst.cached.toExponential(2)})`, [
    ['sequences matched', matched, Object.keys(reference).length],
  ]);
});

describe('tiny GPT-2 logits', () => {
  it('converts with the configs as metadata', () => {
    expect(runtime.config).toEqual({ vocab_size: 647, n_positions: 2048, n_embd: 64, n_layer: 2, n_head: 4 });
    expect(JSON.parse(runtime.encoderConfig).num_bars_map).toEqual([4, 8]);
    expect(readFileSync(modelPath).byteLength).toBeGreaterThan(0);
  });

  it.each(Object.entries(reference))('%s', async (_name, c) => {
    const V = runtime.config.vocab_size;
    const full = await runtime.forward(c.tokens, runtime.createCache());
    for (const [position, expected] of Object.entries(c.positions)) {
      const row = full.subarray(Number(position) * V, (Number(position) + 1) * V);
      const diff = maxDiff(row, expected);
      worst.full = Math.max(worst.full, diff);
      expect(diff).toBeLessThanOrEqual(1e-3);
      expect(argmax(row)).toBe(c.argmax[position]);
    }
    // Prefill all but the last token, then decode the last one from the cache.
    const last = c.tokens.length - 1;
    if (last > 0) {
      // A small starting capacity, so the cache also grows on the way.
      const cache = runtime.createCache(8);
      await runtime.forward(c.tokens.slice(0, last), cache);
      const step = await runtime.forward([c.tokens[last]!], cache);
      expect(cache.length).toBe(c.tokens.length);
      const diff = maxDiff(step, c.positions[String(last)]!);
      worst.cached = Math.max(worst.cached, diff);
      expect(diff).toBeLessThanOrEqual(1e-3);
      expect(argmax(step)).toBe(c.argmax[String(last)]);
    }
    matched++;
  });
});

describe('decoding token by token', () => {
  it('gives the same last logits as the full pass, with the cache growing on the way', async () => {
    const c = reference.aicha_w0_first300!;
    const cache = runtime.createCache(4);
    let logits = new Float32Array();
    for (const token of c.tokens) logits = await runtime.forward([token], cache);
    expect(maxDiff(logits, c.positions['299']!)).toBeLessThanOrEqual(1e-3);
    expect(cache.capacity).toBeGreaterThanOrEqual(300);
  });
});

describe('int8 weights', () => {
  it('agree with float32 on the arg-max of at least 95% of the parity positions', async () => {
    const quantized = await Gpt2Runtime.create(convertToOnnx(readSafetensorsCheckpoint(modelPath), { quantize: 'int8' }), { threads: 1 });
    const V = runtime.config.vocab_size;
    let agree = 0;
    let total = 0;
    for (const c of Object.values(reference)) {
      const a = await runtime.forward(c.tokens, runtime.createCache());
      const b = await quantized.forward(c.tokens, quantized.createCache());
      for (let t = 0; t < c.tokens.length; t++) {
        agree += Number(argmax(a.subarray(t * V, (t + 1) * V)) === argmax(b.subarray(t * V, (t + 1) * V)));
        total++;
      }
    }
    await quantized.release();
    console.log(`int8 arg-max agreement with float32: ${agree}/${total} (${((100 * agree) / total).toFixed(1)} %)`);
    expect(agree / total).toBeGreaterThanOrEqual(0.95);
  });
});

describe('int4 weights', () => {
  it('reproduce a model whose weights already sit on the int4 grid (checks the packing)', async () => {
    const checkpoint = readSafetensorsCheckpoint(modelPath);
    // Snap every linear weight to the 4-bit grid int4 conversion uses (blocks of 32 along the input, scale max/7).
    const weights = new Map(checkpoint.weights);
    for (const [name, tensor] of checkpoint.weights) {
      if (!/(c_attn|c_proj|c_fc)\.weight$/.test(name)) continue;
      const [rows, cols] = tensor.shape as [number, number];
      const data = Float32Array.from(tensor.data);
      for (let n = 0; n < cols; n++)
        for (let b = 0; b < rows; b += 32) {
          let max = 0;
          for (let k = b; k < b + 32; k++) max = Math.max(max, Math.abs(data[k * cols + n]!));
          const scale = max / 7 || 1;
          for (let k = b; k < b + 32; k++) data[k * cols + n] = Math.round(data[k * cols + n]! / scale) * scale;
        }
      weights.set(name, { ...tensor, data });
    }
    // lm_head is [V, D]; conversion transposes it, so snap along D for every vocabulary row.
    const head = checkpoint.weights.get('lm_head.weight')!;
    const headData = Float32Array.from(head.data);
    for (let v = 0; v < 647; v++)
      for (let b = 0; b < 64; b += 32) {
        let max = 0;
        for (let k = b; k < b + 32; k++) max = Math.max(max, Math.abs(headData[v * 64 + k]!));
        const scale = max / 7 || 1;
        for (let k = b; k < b + 32; k++) headData[v * 64 + k] = Math.round(headData[v * 64 + k]! / scale) * scale;
      }
    weights.set('lm_head.weight', { ...head, data: headData });
    const snapped = { ...checkpoint, weights };
    const float = await Gpt2Runtime.create(convertToOnnx(snapped), { threads: 1 });
    const int4 = await Gpt2Runtime.create(convertToOnnx(snapped, { quantize: 'int4' }), { threads: 1 });
    const c = reference.aicha_w0_first300!;
    const a = await float.forward(c.tokens, float.createCache());
    const b = await int4.forward(c.tokens, int4.createCache());
    let agree = 0;
    for (let t = 0; t < c.tokens.length; t++) agree += Number(argmax(a.subarray(t * 647, (t + 1) * 647)) === argmax(b.subarray(t * 647, (t + 1) * 647)));
    console.log(`int4 on grid-snapped weights: arg-max agreement ${agree}/${c.tokens.length}`);
    expect(agree / c.tokens.length).toBeGreaterThanOrEqual(0.9);
    await float.release();
    await int4.release();
  });
});
