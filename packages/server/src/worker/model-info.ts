// The facts about a model the live engine validates against.
import { defaultMaskMode, defaultModelDim } from '@midigpt/core';
import type { InferenceEngine } from '@midigpt/inference';
import type { ModelInfo } from './protocol.js';

export function modelInfo(engine: InferenceEngine): ModelInfo {
  const tokenizer = engine.tokenizer;
  const config = tokenizer.config();
  return {
    resolution: config.resolution,
    modelDims: [...(tokenizer.numBarsMap() ?? [])].sort((a, b) => a - b),
    defaultModelDim: defaultModelDim(tokenizer),
    defaultMaskMode: defaultMaskMode(tokenizer),
    supportsMaskBar: config.supportsMaskBar,
    timeSignatures: config.timeSignatures,
    attributes: tokenizer.attributes(),
  };
}
