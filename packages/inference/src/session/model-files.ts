// Model files by path, and released models by name: under Node only
// (model-files-node.ts reads, converts and caches; index.ts installs it). In a
// browser a model comes as bytes (`InferenceEngine.fromOnnx(bytes)`).
import type { PretrainedOptions } from '../hub/pretrained.js';
import type { OnnxFile } from '../runtime/gpt2.js';

export interface ModelFiles {
  /** An `.onnx` file with its metadata (the weights stay on disk for ONNX Runtime to read). */
  openModel(path: string): OnnxFile;
  /** The `.onnx` file of a `.safetensors`/`.pt` checkpoint (converted once, then cached). */
  convertCheckpoint(path: string, quantize: 'int8' | 'int4' | undefined): Promise<string>;
  /** The local checkpoint of a released model (downloaded on first use). */
  pretrainedPath(name: string, options: PretrainedOptions): Promise<string>;
}

function browserOnly(what: string): never {
  throw new Error(`@midigpt/inference: ${what} needs files, which only Node has; in a browser load an .onnx model's bytes with InferenceEngine.fromOnnx(bytes)`);
}

/** The installed access (a live binding). */
export let modelFiles: ModelFiles = {
  openModel: (path) => browserOnly(`reading ${path}`),
  convertCheckpoint: async (path) => browserOnly(`converting ${path}`),
  pretrainedPath: (name) => browserOnly(`the released model "${name}"`),
};

export function installModelFiles(access: ModelFiles): void {
  modelFiles = access;
}
