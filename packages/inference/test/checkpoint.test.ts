// Reading checkpoints: the parity model, and clear errors for broken files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError, readSafetensors, readSafetensorsCheckpoint } from '../src/index.js';
import { parityDir } from '../../../tests/support/parity.js';

const modelPath = path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors');
const original = readFileSync(modelPath);

/** Rewrites the parity file with a changed header and/or metadata (tensor bytes kept). */
function rewrite(change: (header: Record<string, any>) => void, data?: Uint8Array): Uint8Array {
  const length = Number(original.readBigUInt64LE(0));
  const header = JSON.parse(original.subarray(8, 8 + length).toString('utf8'));
  change(header);
  const text = Buffer.from(JSON.stringify(header));
  const out = Buffer.alloc(8 + text.length);
  out.writeBigUInt64LE(BigInt(text.length));
  text.copy(out, 8);
  return Buffer.concat([out, data ?? original.subarray(8 + length)]);
}

describe('safetensors checkpoints', () => {
  it('reads the parity model: configs and every weight', () => {
    const c = readSafetensorsCheckpoint(modelPath);
    expect(c.config).toEqual({ vocab_size: 647, n_positions: 2048, n_embd: 64, n_layer: 2, n_head: 4 });
    expect(c.weights.size).toBe(29);
    expect(c.weights.get('transformer.h.1.mlp.c_fc.weight')!.shape).toEqual([64, 256]);
    expect(JSON.parse(c.encoderConfig).resolution).toBe(12);
    expect(readSafetensors(original).tensors.get('lm_head.weight')!.data.length).toBe(647 * 64);
  });

  it.each([
    ['a truncated file', original.subarray(0, 5000), 'does not fit'],
    ['a text file', Buffer.from('hello world, not a model at all'), 'does not fit'],
    ['a header that is not JSON', Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{{')]), 'not valid JSON'],
    ['format_version 1', rewrite((h) => (h.__metadata__.format_version = '1')), 'format_version is "1"'],
    ['another architecture', rewrite((h) => (h.__metadata__.arch = 'llama')), 'unknown architecture "llama"'],
    ['no encoder config', rewrite((h) => (h.__metadata__.encoder_config = 'null')), 'no encoder_config'],
    ['a missing weight', rewrite((h) => delete h['lm_head.weight']), 'missing: lm_head.weight'],
    ['an extra weight', rewrite((h) => (h['transformer.h.0.attn.bias'] = h['transformer.ln_f.bias'])), 'unexpected: transformer.h.0.attn.bias'],
    ['a config that disagrees with the weights', rewrite((h) => (h.__metadata__.config = JSON.stringify({ vocab_size: 647, n_positions: 2048, n_embd: 64, n_layer: 3, n_head: 4 }))), 'missing: transformer.h.2'],
    ['an integer dtype', rewrite((h) => (h['lm_head.weight'].dtype = 'I32')), 'dtype I32'],
    ['offsets past the end', rewrite((h) => (h['lm_head.weight'].data_offsets = [0, 1e9])), 'points outside the file'],
  ])('rejects %s with a clear error', (_what, bytes, message) => {
    expect(() => readSafetensorsCheckpoint(bytes)).toThrow(CheckpointError);
    expect(() => readSafetensorsCheckpoint(bytes)).toThrow(message);
  });

  it('rejects NaN weights', () => {
    const length = Number(original.readBigUInt64LE(0));
    const data = Buffer.from(original.subarray(8 + length));
    data.writeFloatLE(NaN, 0);
    expect(() => readSafetensorsCheckpoint(rewrite(() => {}, data))).toThrow('NaN or infinite');
  });
});

describe('.pt bundles (format 1)', () => {
  const ptPath = path.join(parityDir, 'model', 'tiny_gpt2_yellow.pt');

  it('hold the same checkpoint as the safetensors file, so both convert to the same ONNX bytes', async () => {
    const { readPtCheckpoint, convertToOnnx } = await import('../src/index.js');
    const pt = readPtCheckpoint(ptPath);
    const st = readSafetensorsCheckpoint(modelPath);
    expect(pt.config).toEqual(st.config);
    expect(JSON.parse(pt.encoderConfig)).toEqual(JSON.parse(st.encoderConfig));
    expect([...pt.weights.keys()].sort()).toEqual([...st.weights.keys()].sort());
    for (const [name, tensor] of st.weights) expect(pt.weights.get(name)!.data).toEqual(tensor.data);
    expect(Buffer.from(convertToOnnx(pt)).equals(Buffer.from(convertToOnnx(st)))).toBe(true);
  });

  it('rejects files that are not bundles', async () => {
    const { readPtCheckpoint, readCheckpoint } = await import('../src/index.js');
    expect(() => readPtCheckpoint(Buffer.from('not a zip archive'))).toThrow('not a torch zip archive');
    expect(() => readPtCheckpoint(original)).toThrow(CheckpointError);
    expect(() => readCheckpoint('model.bin')).toThrow('must be a .safetensors or .pt file');
  });
});
