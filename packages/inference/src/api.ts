// The package's API that runs anywhere: index.ts (Node, onnxruntime-node) and
// browser.ts (onnxruntime-web) re-export it after installing their backend.
export { readSafetensors, CheckpointError } from './checkpoint/safetensors.js';
export type { NamedTensor, SafetensorsFile } from './checkpoint/safetensors.js';
export type { Gpt2Checkpoint, Gpt2Config } from './checkpoint/gpt2.js';
export { convertToOnnx, gpt2Model } from './onnx/gpt2.js';
export type { ConvertOptions } from './onnx/gpt2.js';
export { Gpt2Runtime } from './runtime/gpt2.js';
export type { ForwardOptions, ModelRuntime, RuntimeOptions } from './runtime/gpt2.js';
export { KvCache } from './runtime/kv-cache.js';
export { InferenceEngine, ContextOverflowError, SamplingSession } from './session/engine.js';
export type { GenerateOptions, GenerationResult, StepRecord, TokenScores } from './session/engine.js';
export { TokenSampler } from './sampling/filters.js';
export type { FilterSettings } from './sampling/filters.js';
export { Random } from './sampling/random.js';
