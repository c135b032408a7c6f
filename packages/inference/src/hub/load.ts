// Loading a model named on a command line (`--model NAME|PATH`): the embedded
// default model, a file (.onnx, .safetensors, .pt) or a released model's name
// (downloaded once). Shared by the `midigpt` commands and the servers, which
// resolve the file first and may load it elsewhere (a worker thread).
import { existsSync } from 'node:fs';
import type { RuntimeOptions } from '../runtime/gpt2.js';
import { InferenceEngine } from '../session/engine.js';
import { PRETRAINED, pretrainedPath, type DownloadProgress } from './pretrained.js';

/** `--model` names nothing that exists: no such file and no known model name. */
export class ModelSpecError extends Error {
  override name = 'ModelSpecError';
  readonly code = 'UNKNOWN_MODEL' as const;
}

export interface ResolveModelOptions {
  /** The model used when no spec is given or the spec is one of `names`. */
  defaultModel?: { path: string; names: readonly string[] };
  /** Download progress of a released model. */
  onProgress?: (progress: DownloadProgress) => void;
}

/** The local file a `--model` value means; released models are downloaded on first use. */
export async function resolveModelFile(spec: string | undefined, options: ResolveModelOptions = {}): Promise<string> {
  const fallback = options.defaultModel;
  if (spec === undefined || fallback?.names.includes(spec)) {
    if (!fallback) throw new ModelSpecError('no model given, and no default model');
    if (!existsSync(fallback.path))
      throw new ModelSpecError(`the embedded default model is missing (${fallback.path}); reinstall midigpt, or pass --model PATH`);
    return fallback.path;
  }
  if (existsSync(spec)) return spec;
  if (!(spec in PRETRAINED))
    throw new ModelSpecError(`--model ${spec}: no such file, and not a model name (${[...(fallback?.names ?? []), ...Object.keys(PRETRAINED)].join(', ')})`);
  return pretrainedPath(spec, options.onProgress ? { onProgress: options.onProgress } : {});
}

/** An engine on a model file: `.onnx` as is, a checkpoint through the conversion cache. */
export function engineFromFile(file: string, options: RuntimeOptions = {}): Promise<InferenceEngine> {
  return file.endsWith('.onnx') ? InferenceEngine.fromOnnx(file, options) : InferenceEngine.fromCheckpoint(file, options);
}
