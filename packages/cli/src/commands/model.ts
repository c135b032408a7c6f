// Loading the model a generating command runs: the embedded default model
// (no --model), a path (.onnx, .safetensors, .pt), or a released model's name
// (downloaded once, with a progress bar). The resolution itself is shared with
// the servers (`resolveModelFile` in @midigpt/inference).
import type { InferenceEngine } from '@midigpt/inference';
import { UsageError } from '../errors.js';
import { progressBar } from '../progress.js';

export async function loadEngine(model: string | undefined, threads?: number): Promise<InferenceEngine> {
  const { engineFromFile, resolveModelFile, ModelSpecError } = await import('@midigpt/inference');
  const { defaultModelPath, DEFAULT_MODEL_ALIASES } = await import('@midigpt/default-model');
  const bar = progressBar('download');
  let file: string;
  try {
    file = await resolveModelFile(model, {
      defaultModel: { path: defaultModelPath, names: DEFAULT_MODEL_ALIASES },
      onProgress: (p) => bar.update(p.received, p.total, p.file),
    });
  } catch (error) {
    if (error instanceof ModelSpecError) throw new UsageError(error.message);
    throw error;
  } finally {
    bar.stop();
  }
  return engineFromFile(file, threads ? { threads } : {});
}
