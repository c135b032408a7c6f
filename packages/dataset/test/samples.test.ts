// The sample stream: reproducible by seed, one sample per piece and epoch,
// each within the encoder's vocabulary and the token cap, framed for a pipe.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Score, Tokenizer, trainingSample } from '@midigpt/core';
import { buildDataset, frameSample, readFramedSamples, sampleSeed, sampleStream, type StreamedSample } from '../src/index.js';
import { repoRoot } from '../../../tests/support/parity.js';

const pop909 = path.resolve(repoRoot, '../shared/data/pop909');
let dir: string;

beforeAll(async () => {
  const input = mkdtempSync(path.join(tmpdir(), 'midigpt-samples-'));
  for (const f of ['001.mid', '002.mid', '003.mid', '004.mid', '005.mid', '006.mid']) copyFileSync(path.join(pop909, f), path.join(input, f));
  dir = path.join(input, 'data');
  await buildDataset([input], dir, { cacheDir: path.join(input, 'cache'), validationFraction: 0 });
});

const tokensOf = (samples: StreamedSample[]) => samples.map((s) => Array.from(s.sample.tokens));

describe('sample stream', () => {
  it('is reproducible by seed and differs between seeds and epochs', () => {
    const a = [...sampleStream(dir, { seed: 3, epochs: 2 })];
    const b = [...sampleStream(dir, { seed: 3, epochs: 2 })];
    const c = [...sampleStream(dir, { seed: 4, epochs: 2 })];
    expect(a).toHaveLength(12);
    expect(tokensOf(a)).toEqual(tokensOf(b));
    expect(tokensOf(a)).not.toEqual(tokensOf(c));
    // Every piece once per epoch, in a seeded order.
    for (const epoch of [0, 1]) expect(new Set(a.filter((s) => s.epoch === epoch).map((s) => s.piece.sha256)).size).toBe(6);
    expect(tokensOf(a.slice(0, 6))).not.toEqual(tokensOf(a.slice(6)));
  });

  it('resumes at any epoch with the same samples', () => {
    const whole = [...sampleStream(dir, { seed: 9, epochs: 3 })];
    const resumed = [...sampleStream(dir, { seed: 9, startEpoch: 2 })];
    expect(tokensOf(resumed)).toEqual(tokensOf(whole.slice(12)));
  });

  it('splits into shards that together are the whole stream', () => {
    const whole = [...sampleStream(dir, { seed: 4, epochs: 2 })];
    const shards = [0, 1, 2].map((index) => [...sampleStream(dir, { seed: 4, epochs: 2, shard: { index, count: 3 } })]);
    expect(shards.map((s) => s.length)).toEqual([4, 4, 4]);
    const merged = shards.flat().sort((a, b) => a.epoch - b.epoch || a.index - b.index);
    expect(tokensOf(merged)).toEqual(tokensOf(whole));
    expect(() => [...sampleStream(dir, { seed: 4, shard: { index: 3, count: 3 } })]).toThrow(/shard/);
  });

  it('gives samples the core builds from the same seed', () => {
    const [first] = [...sampleStream(dir, { seed: 5 })];
    const score = Score.fromMidi(path.join(pop909, path.basename(first!.piece.source)));
    const again = trainingSample(Tokenizer.load('yellow'), score, {}, sampleSeed(5, 0, 0));
    expect(Array.from(again.tokens)).toEqual(Array.from(first!.sample.tokens));
  });

  it('keeps samples within the vocabulary and the token cap, with §2 window sizes', () => {
    const yellow = Tokenizer.load('yellow');
    const samples = [...sampleStream(dir, { seed: 1, epochs: 20, maxSeqLen: 512 })];
    const bars = new Set<number>();
    let infill = 0;
    for (const { sample } of samples) {
      expect(sample.tokens.length).toBeGreaterThan(0);
      expect(sample.tokens.length).toBeLessThanOrEqual(512);
      expect(Math.max(...sample.tokens)).toBeLessThan(yellow.vocabSize);
      expect(Math.abs(sample.transpose)).toBeLessThanOrEqual(6);
      bars.add(sample.bars);
      if (sample.infill) infill++;
    }
    expect([...bars].sort()).toEqual([4, 8]);
    expect(infill / samples.length).toBeGreaterThan(0.6);
    expect(infill / samples.length).toBeLessThan(0.9);
  });

  it('refuses bad settings instead of skipping every piece', () => {
    expect(() => [...sampleStream(dir, { seed: 1, maxSeqLen: 0 })]).toThrow(/max_seq_len/);
    expect(() => [...sampleStream(dir, { seed: -1 })]).toThrow(/seed/);
    expect(() => [...sampleStream(dir, { seed: 1, split: 'validation' })]).toThrow(/no validation pieces/);
  });

  it('frames samples as length-prefixed uint16 arrays', () => {
    const a = Int32Array.of(0, 5, 646);
    const b = Int32Array.of(7);
    const bytes = Buffer.concat([frameSample(a, 647), frameSample(b, 647)]);
    expect(bytes.length).toBe(4 + 6 + 4 + 2);
    expect([...readFramedSamples(bytes)].map((t) => Array.from(t))).toEqual([[0, 5, 646], [7]]);
    expect(() => [...readFramedSamples(bytes.subarray(0, 9))]).toThrow(/cut short/);
    expect(() => frameSample(a, 70000)).toThrow(/uint16/);
  });
});
