// Model files under Node: read from disk, checkpoints converted through the
// model cache (hub/cache.ts), released models downloaded (hub/pretrained.ts).
import { readCheckpoint } from '../checkpoint/read.js';
import { cachedConversion } from '../hub/cache.js';
import { pretrainedPath } from '../hub/pretrained.js';
import { convertToOnnx } from '../onnx/gpt2.js';
import { metadataOfFile } from '../onnx/metadata-file.js';
import type { ModelFiles } from './model-files.js';

export const nodeModelFiles: ModelFiles = {
  openModel: (path) => ({ path, metadata: metadataOfFile(path) }),
  convertCheckpoint: (path, quantize) =>
    cachedConversion(path, quantize ?? 'float32', () => convertToOnnx(readCheckpoint(path), quantize ? { quantize } : {})),
  pretrainedPath,
};
