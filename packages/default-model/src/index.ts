// The default model shipped with midigpt: where its files are, and what it is.
// The numbers in `metrics.json` come from packages/default-model/scripts/reproduce.sh.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The model's name, as `midigpt models list` shows it. */
export const DEFAULT_MODEL_NAME = 'pop909-small';

/** The ONNX model file (int8 weights, yellow encoder; its encoder config is inside it). */
export const defaultModelPath: string = path.join(root, 'model.onnx');

/**
 * The same weights as a float16 format-2 `.safetensors` bundle: what `midigpt train --init-from` fine-tunes from.
 * In the midigpt repository only: the npm package leaves it out (training runs from the repository).
 */
export const defaultCheckpointPath: string = path.join(root, 'checkpoint.safetensors');

/** The model card: data, licence, architecture, training and quality numbers. */
export const modelCardPath: string = path.join(root, 'MODEL_CARD.md');

/** What training and evaluation measured (see the model card). */
export interface DefaultModelMetrics {
  model: { n_embd: number; n_layer: number; n_head: number; n_positions: number; vocab_size: number; parameters: number; onnx_bytes: number; quantize: string };
  training: { steps: number; tokens_seen: number; pieces: { train: number; validation: number }; hours: number; device: string };
  validation: Record<string, number>;
  infill: Record<string, unknown>;
}

/** The measured numbers, read from `metrics.json` beside the model. */
export function defaultModelMetrics(): DefaultModelMetrics {
  return JSON.parse(readFileSync(path.join(root, 'metrics.json'), 'utf8')) as DefaultModelMetrics;
}

/** Names a `--model` option accepts for this model (besides no `--model` at all). */
export const DEFAULT_MODEL_ALIASES: readonly string[] = ['default', DEFAULT_MODEL_NAME];
