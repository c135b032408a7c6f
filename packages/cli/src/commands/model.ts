// Loading the model a generating command runs: the default model (no --model;
// the optional @midigpt/default-model package), a path (.onnx, .safetensors,
// .pt), or a released model's name (downloaded once, with a progress bar). The resolution itself is shared with
// the servers (`resolveModelFile` in @midigpt/inference).
import type { InferenceEngine } from '@midigpt/inference';
import { defaultModelMissing, findDefaultModel, wantsDefaultModel } from '../default-model.js';
import { UsageError } from '../errors.js';
import { progressBar } from '../progress.js';

export async function loadEngine(model: string | undefined, threads?: number): Promise<InferenceEngine> {
  const { engineFromFile, resolveModelFile, ModelSpecError } = await import('@midigpt/inference');
  const fallback = await findDefaultModel();
  if (!fallback && wantsDefaultModel(model)) throw defaultModelMissing();
  const bar = progressBar('download');
  let file: string;
  try {
    file = await resolveModelFile(model, {
      ...(fallback ? { defaultModel: { path: fallback.path, names: fallback.names } } : {}),
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
