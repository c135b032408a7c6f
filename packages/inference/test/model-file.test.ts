// Models loaded from their files (issue #17, memory): the converter's metadata
// is read from the file's metadata fields alone (onnx/metadata-file.ts) and
// ONNX Runtime reads the weights itself; checkpoints convert into the model
// cache and load from there. Same metadata and logits as from bytes; clear
// errors for files that are not ONNX models.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertToOnnx, Gpt2Runtime, InferenceEngine, readCheckpoint } from '../src/index.js';
import { metadataOf } from '../src/onnx/metadata.js';
import { metadataOfFile } from '../src/onnx/metadata-file.js';
import { parityDir, parityMidiFiles, parityMidiPath } from '../../../tests/support/parity.js';

const tinyPath = path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors');
const work = mkdtempSync(path.join(tmpdir(), 'midigpt-model-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('an ONNX model from its file', () => {
  const variants = { float32: convertToOnnx(readCheckpoint(tinyPath)), int8: convertToOnnx(readCheckpoint(tinyPath), { quantize: 'int8' }) };

  it.each(Object.keys(variants))('reads the same metadata as decoding the whole model (%s)', (variant) => {
    const bytes = variants[variant as keyof typeof variants];
    const file = path.join(work, `${variant}.onnx`);
    writeFileSync(file, bytes);
    const metadata = metadataOfFile(file);
    expect(metadata).toEqual(metadataOf(bytes));
    expect(Object.keys(metadata)).toEqual(expect.arrayContaining(['midigpt.format', 'midigpt.model_config', 'midigpt.encoder_config']));
  });

  it('gives the same logits from the file as from the bytes', async () => {
    const file = path.join(work, 'float32.onnx');
    const fromFile = await Gpt2Runtime.create({ path: file, metadata: metadataOfFile(file) }, { threads: 1 });
    const fromBytes = await Gpt2Runtime.create(readFileSync(file), { threads: 1 });
    const tokens = [0, 5, 9, 17, 3];
    const a = await fromFile.forward(tokens, fromFile.createCache());
    const b = await fromBytes.forward(tokens, fromBytes.createCache());
    expect(Array.from(a)).toEqual(Array.from(b));
    await fromFile.release();
    await fromBytes.release();
  });

  it('says a file is not an ONNX model', async () => {
    const midi = parityMidiPath(parityMidiFiles()[0]!);
    const noise = path.join(work, 'noise.onnx');
    writeFileSync(noise, Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251));
    for (const file of [midi, noise]) {
      expect(() => metadataOfFile(file), file).toThrow(/is not an ONNX model/);
      await expect(InferenceEngine.fromOnnx(file)).rejects.toThrow(/is not an ONNX model|converted by another version/);
    }
    const truncated = path.join(work, 'truncated.onnx');
    writeFileSync(truncated, variants.float32.subarray(0, variants.float32.length >> 1));
    expect(() => metadataOfFile(truncated)).toThrow(/runs past the end/);
  });

  it('loads a checkpoint through the model cache (converted once, then read from the cached file)', async () => {
    const home = process.env['MIDIGPT_HOME']!;
    const first = await InferenceEngine.fromCheckpoint(tinyPath, { threads: 1 });
    const cached = readFileSync(path.join(home, 'onnx', readdirOnnx(home)[0]!));
    expect(metadataOf(cached)['midigpt.format']).toBeDefined();
    const second = await InferenceEngine.fromCheckpoint(tinyPath, { threads: 1 });
    expect(second.tokenizer.vocabSize).toBe(first.tokenizer.vocabSize);
    await first.release();
    await second.release();
  });
});

function readdirOnnx(home: string): string[] {
  return readdirSync(path.join(home, 'onnx')).filter((f) => f.endsWith('-float32.onnx'));
}
