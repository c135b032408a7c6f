export { readSafetensors, CheckpointError } from './checkpoint/safetensors.js';
export type { NamedTensor, SafetensorsFile } from './checkpoint/safetensors.js';
export { readSafetensorsCheckpoint, expectedShapes } from './checkpoint/gpt2.js';
export type { Gpt2Checkpoint, Gpt2Config } from './checkpoint/gpt2.js';
export { convertToOnnx, gpt2Model } from './onnx/gpt2.js';
export { Gpt2Runtime } from './runtime/gpt2.js';
export type { ForwardResult, KvCache } from './runtime/gpt2.js';
