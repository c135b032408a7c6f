// Loading the model a generating command runs: a path (.onnx, .safetensors,
// .pt) or a released model's name (downloaded once, with a progress bar).
import { existsSync } from 'node:fs';
import type { InferenceEngine } from '@midigpt/inference';
import { UsageError } from '../errors.js';
import { progressBar } from '../progress.js';

export async function loadEngine(model: string | undefined, threads?: number): Promise<InferenceEngine> {
  if (!model)
    throw new UsageError('no model given: pass --model PATH (.onnx, .safetensors or .pt) or a released name (yellow, yellow_small, prism_medium, expressive)');
  const { InferenceEngine, PRETRAINED } = await import('@midigpt/inference');
  const options = threads ? { threads } : {};
  if (existsSync(model)) return model.endsWith('.onnx') ? InferenceEngine.fromOnnx(model, options) : InferenceEngine.fromCheckpoint(model, options);
  if (!(model in PRETRAINED))
    throw new UsageError(`--model ${model}: no such file, and not a released model name (${Object.keys(PRETRAINED).join(', ')})`);
  const bar = progressBar('download');
  try {
    return await InferenceEngine.fromPretrained(model, { ...options, onProgress: (p) => bar.update(p.received, p.total, p.file) });
  } finally {
    bar.stop();
  }
}
