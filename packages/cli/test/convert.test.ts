// `midigpt convert`, spawned as a user runs it.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Gpt2Runtime } from '@midigpt/inference';
import { midigpt } from '../../../tests/support/cli.js';
import { parityDir, parityFile } from '../../../tests/support/parity.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'midigpt-convert-'));
const checkpoint = path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors');

describe('midigpt convert', () => {
  it('writes an ONNX model that reproduces the reference logits', async () => {
    const out = path.join(tmp, 'tiny.onnx');
    const r = midigpt(['convert', checkpoint, '-o', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ output: out, parameters: 313_984 });
    const runtime = await Gpt2Runtime.create(readFileSync(out));
    const ref = parityFile<{ logits: Record<string, { tokens: number[]; argmax: Record<string, number> }> }>('tiny_model_logits.json').logits.aicha_w0_first64!;
    const logits = await runtime.forward(ref.tokens, runtime.createCache());
    const row = logits.subarray(63 * 647, 64 * 647);
    expect(row.indexOf(Math.max(...row))).toBe(ref.argmax['63']);
    await runtime.release();
    expect(existsSync(path.join(tmp, `.tiny.onnx.${process.pid}.tmp`))).toBe(false);
  });

  it('converts a .pt bundle to the same model', () => {
    const fromPt = path.join(tmp, 'pt.onnx');
    const fromSt = path.join(tmp, 'st.onnx');
    expect(midigpt(['convert', path.join(parityDir, 'model', 'tiny_gpt2_yellow.pt'), '-o', fromPt]).status).toBe(0);
    expect(midigpt(['convert', checkpoint, '-o', fromSt]).status).toBe(0);
    expect(readFileSync(fromPt).equals(readFileSync(fromSt))).toBe(true);
  });

  it('--quantize int8 writes a smaller model', () => {
    const out = path.join(tmp, 'int8.onnx');
    expect(midigpt(['convert', checkpoint, '-o', out, '--quantize', 'int8']).status).toBe(0);
    expect(readFileSync(out).byteLength).toBeLessThan(readFileSync(path.join(tmp, 'tiny.onnx')).byteLength);
  });

  it('prints a summary without --json', () => {
    const r = midigpt(['convert', checkpoint, '-o', path.join(tmp, 'summary.onnx')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('GPT-2 64/2/4, vocabulary 647, 2048 positions, 0.31 M parameters');
  });

  const existing = path.join(tmp, 'existing.onnx');
  writeFileSync(existing, 'keep me');
  const notModel = path.join(tmp, 'notes.safetensors');
  writeFileSync(notModel, 'these are notes, not weights');

  it.each([
    [['convert', checkpoint, '-o', existing], 2, 'exists; use --force'],
    [['convert', checkpoint, '-o', checkpoint, '--force'], 2, 'over its own input'],
    [['convert', notModel, '-o', path.join(tmp, 'bad.onnx')], 1, 'does not fit in the file'],
    [['convert', checkpoint, '-o', path.join(tmp, 'q.onnx'), '--quantize', 'int2'], 2, '--quantize supports "int8" and "int4"'],
    [['convert', path.join(tmp, 'model.bin'), '-o', path.join(tmp, 'bin.onnx')], 1, 'must be a .safetensors or .pt file'],
    [['convert', path.join(tmp, 'missing.safetensors'), '-o', path.join(tmp, 'm.onnx')], 1, 'no such file'],
  ])('%j exits %i with a clear message', (args, status, message) => {
    const r = midigpt(args as string[]);
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(message);
  });

  it('leaves the existing file untouched', () => {
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
  });
});
