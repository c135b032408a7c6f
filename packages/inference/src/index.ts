// @midigpt/inference under Node: models run on onnxruntime-node, and load from
// files, the model cache and the model hub.
import * as onnxruntimeNode from 'onnxruntime-node';
import { installOrt } from './runtime/ort.js';
import { installModelFiles } from './session/model-files.js';
import { nodeModelFiles } from './session/model-files-node.js';

installOrt(onnxruntimeNode);
installModelFiles(nodeModelFiles);

export * from './api.js';
export { readSafetensorsCheckpoint, expectedShapes } from './checkpoint/gpt2.js';
export { TokenLogger } from './session/token-logger.js';
export { readPtCheckpoint } from './checkpoint/pt.js';
export { readCheckpoint } from './checkpoint/read.js';
export { modelHome } from './hub/cache.js';
export { pretrainedPath, PRETRAINED } from './hub/pretrained.js';
export type { DownloadProgress, PretrainedOptions } from './hub/pretrained.js';
export { engineFromFile, resolveModelFile, ModelSpecError } from './hub/load.js';
export type { ResolveModelOptions } from './hub/load.js';
