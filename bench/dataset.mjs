// Training-data throughput on POP909: `dataset build` (cold and cached) and
// the sample stream a trainer reads (samples and tokens per second, one core).
// Medians of several rounds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDataset, sampleStream } from '@midigpt/dataset';

const pop909 = path.resolve(process.env.MIDIGPT_POP909 ?? '../shared/data/pop909');
const rounds = Number(process.env.ROUNDS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const builds = [];
const rebuilds = [];
let dir;
for (let r = 0; r < rounds; r++) {
  const work = mkdtempSync(path.join(tmpdir(), 'midigpt-bench-data-'));
  dir = path.join(work, 'data');
  let t = performance.now();
  const m = await buildDataset([pop909], dir, { cacheDir: path.join(work, 'cache'), workers: 2 });
  builds.push(performance.now() - t);
  t = performance.now();
  await buildDataset([pop909], dir, { cacheDir: path.join(work, 'cache'), workers: 2 });
  rebuilds.push(performance.now() - t);
  if (r === 0) console.log(`pop909: ${m.counts.inputs} pieces, ${m.counts.kept} kept`);
}
console.log(`dataset build: ${(median(builds) / 1000).toFixed(2)} s cold, ${(median(rebuilds) / 1000).toFixed(2)} s from the cache`);

const rates = [];
const tokenRates = [];
for (let r = 0; r < rounds; r++) {
  let samples = 0;
  let tokens = 0;
  const t = performance.now();
  for (const { sample } of sampleStream(dir, { seed: r })) {
    samples++;
    tokens += sample.tokens.length;
  }
  const s = (performance.now() - t) / 1000;
  rates.push(samples / s);
  tokenRates.push(tokens / s);
}
console.log(`sample stream (yellow, max_seq_len 2048): ${median(rates).toFixed(0)} samples/s, ${(median(tokenRates) / 1e6).toFixed(2)} M tokens/s`);
