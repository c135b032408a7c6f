// A GPT-2 checkpoint of the reference's shapes with seeded random weights and
// the yellow encoder, for the benchmarks (the weights' values do not matter
// for speed). Shared by bench/inference.mjs and packages/server/bench/realtime.mjs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedShapes } from '@midigpt/inference';

export const SHAPES = { small: { n_embd: 512, n_layer: 6, n_head: 8 }, medium: { n_embd: 768, n_layer: 12, n_head: 12 } };

const encoderConfig = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../packages/core/encoders/yellow_encoder.json'), 'utf8');

export function randomCheckpoint(shape) {
  const config = { vocab_size: 647, n_positions: 2048, ...shape };
  let seed = 1;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.04;
  const weights = new Map();
  for (const [name, dims] of expectedShapes(config)) {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    const isNorm = /ln_\d\.weight|ln_f\.weight/.test(name);
    for (let i = 0; i < data.length; i++) data[i] = isNorm ? 1 : next();
    weights.set(name, { dtype: 'F32', shape: dims, data });
  }
  return { config, encoderConfig, weights };
}
