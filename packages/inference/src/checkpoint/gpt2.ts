// A MIDI-GPT GPT-2 checkpoint (generation.md §7): its config, its encoder
// config and its weights, checked against the state-dict names and shapes.
import { readFileSync } from 'node:fs';
import { CheckpointError, readSafetensors, type NamedTensor } from './safetensors.js';

export interface Gpt2Config {
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
}

export interface Gpt2Checkpoint {
  config: Gpt2Config;
  /** The encoder config as JSON text (stored in the checkpoint). */
  encoderConfig: string;
  weights: Map<string, NamedTensor>;
}

/** Every state-dict key and its shape (generation.md §7.2). */
export function expectedShapes(c: Gpt2Config): Map<string, number[]> {
  const D = c.n_embd;
  const shapes = new Map<string, number[]>([
    ['transformer.wte.weight', [c.vocab_size, D]],
    ['transformer.wpe.weight', [c.n_positions, D]],
    ['transformer.ln_f.weight', [D]],
    ['transformer.ln_f.bias', [D]],
    ['lm_head.weight', [c.vocab_size, D]],
  ]);
  for (let i = 0; i < c.n_layer; i++) {
    const p = `transformer.h.${i}.`;
    for (const ln of ['ln_1', 'ln_2']) {
      shapes.set(`${p}${ln}.weight`, [D]);
      shapes.set(`${p}${ln}.bias`, [D]);
    }
    shapes.set(`${p}attn.c_attn.weight`, [D, 3 * D]);
    shapes.set(`${p}attn.c_attn.bias`, [3 * D]);
    shapes.set(`${p}attn.c_proj.weight`, [D, D]);
    shapes.set(`${p}attn.c_proj.bias`, [D]);
    shapes.set(`${p}mlp.c_fc.weight`, [D, 4 * D]);
    shapes.set(`${p}mlp.c_fc.bias`, [4 * D]);
    shapes.set(`${p}mlp.c_proj.weight`, [4 * D, D]);
    shapes.set(`${p}mlp.c_proj.bias`, [D]);
  }
  return shapes;
}

function parseConfig(text: string | undefined, source: string): Gpt2Config {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text ?? '') as Record<string, unknown>;
  } catch {
    throw new CheckpointError(`${source}: the "config" metadata is missing or not JSON`);
  }
  const config = { vocab_size: 647, n_positions: 2048, n_embd: 512, n_layer: 6, n_head: 8, ...raw } as Gpt2Config;
  for (const key of ['vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head'] as const)
    if (!Number.isInteger(config[key]) || config[key] <= 0) throw new CheckpointError(`${source}: config.${key} must be a positive integer`);
  if (config.n_embd % config.n_head !== 0) throw new CheckpointError(`${source}: n_embd ${config.n_embd} is not a multiple of n_head ${config.n_head}`);
  return config;
}

function checkWeights(config: Gpt2Config, weights: Map<string, NamedTensor>, source: string): void {
  const expected = expectedShapes(config);
  const missing = [...expected.keys()].filter((k) => !weights.has(k));
  const extra = [...weights.keys()].filter((k) => !expected.has(k));
  if (missing.length || extra.length)
    throw new CheckpointError(
      `${source}: the weights do not match a GPT-2 of this config` +
        (missing.length ? `; missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}` : '') +
        (extra.length ? `; unexpected: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}` : ''),
    );
  for (const [name, shape] of expected) {
    const actual = weights.get(name)!.shape;
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i]))
      throw new CheckpointError(`${source}: ${name} has shape ${JSON.stringify(actual)}, expected ${JSON.stringify(shape)}`);
  }
}

/** A checked checkpoint from its parts; the encoder config is normalized to compact JSON. */
export function checkpointFrom(configText: string | undefined, encoderConfig: string | undefined, weights: Map<string, NamedTensor>, source: string): Gpt2Checkpoint {
  if (!encoderConfig || encoderConfig === 'null')
    throw new CheckpointError(`${source}: the checkpoint has no encoder_config, so its tokens cannot be interpreted`);
  let normalized: string;
  try {
    normalized = JSON.stringify(JSON.parse(encoderConfig));
  } catch {
    throw new CheckpointError(`${source}: the encoder_config is not JSON`);
  }
  const config = parseConfig(configText, source);
  checkWeights(config, weights, source);
  return { config, encoderConfig: normalized, weights };
}

/** Reads a format-2 `.safetensors` checkpoint (bytes or a path). */
export function readSafetensorsCheckpoint(input: Uint8Array | string): Gpt2Checkpoint {
  const source = typeof input === 'string' ? input : 'checkpoint';
  const bytes = typeof input === 'string' ? readFileSync(input) : input;
  const { metadata, tensors } = readSafetensors(bytes, source);
  if (metadata.format_version !== '2')
    throw new CheckpointError(`${source}: format_version is ${JSON.stringify(metadata.format_version)}; MIDI-GPT safetensors checkpoints have "2"`);
  const arch = metadata.arch ?? 'gpt2';
  if (arch !== 'gpt2') throw new CheckpointError(`${source}: unknown architecture "${arch}" (known: gpt2)`);
  return checkpointFrom(metadata.config, metadata.encoder_config, tensors, source);
}
