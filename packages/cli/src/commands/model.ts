// Loading the model a generating command runs: the embedded default model
// (no --model), a path (.onnx, .safetensors, .pt), or a released model's name
// (downloaded once, with a progress bar).
import { existsSync } from 'node:fs';
import type { InferenceEngine } from '@midigpt/inference';
import { UsageError } from '../errors.js';
import { progressBar } from '../progress.js';

/** Names that mean the model shipped inside the package. */
export const DEFAULT_NAMES = ['default', 'pop909-small'];

async function defaultModel(): Promise<string> {
  const { defaultModelPath } = await import('@midigpt/default-model');
  if (!existsSync(defaultModelPath))
    throw new UsageError(`the embedded default model is missing (${defaultModelPath}); reinstall midigpt, or pass --model PATH`);
  return defaultModelPath;
}

export async function loadEngine(model: string | undefined, threads?: number): Promise<InferenceEngine> {
  const { InferenceEngine, PRETRAINED } = await import('@midigpt/inference');
  const options = threads ? { threads } : {};
  if (model === undefined || DEFAULT_NAMES.includes(model)) return InferenceEngine.fromOnnx(await defaultModel(), options);
  if (existsSync(model)) return model.endsWith('.onnx') ? InferenceEngine.fromOnnx(model, options) : InferenceEngine.fromCheckpoint(model, options);
  if (!(model in PRETRAINED))
    throw new UsageError(`--model ${model}: no such file, and not a model name (${[...DEFAULT_NAMES, ...Object.keys(PRETRAINED)].join(', ')})`);
  const bar = progressBar('download');
  try {
    return await InferenceEngine.fromPretrained(model, { ...options, onProgress: (p) => bar.update(p.received, p.total, p.file) });
  } finally {
    bar.stop();
  }
}
