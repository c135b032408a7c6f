// Validation loss of ONNX models on a dataset's held-out pieces: the samples
// the trainer evaluates on (validation split, stream seed 0, one per piece),
// teacher-forced, cross-entropy per predicted token. Run it on the float32 and
// the int8 conversion of one checkpoint to see what quantization costs.
//
//   node packages/default-model/scripts/onnx-loss.mjs DATASET_DIR MODEL.onnx [MODEL2.onnx ...]
//        [--max-seq-len 1024] [--infill-probability 0.75] [--max-tracks 12]
import { parseArgs } from 'node:util';
import { sampleStream } from '@midigpt/dataset';
import { Gpt2Runtime } from '@midigpt/inference';
import { readFileSync } from 'node:fs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'max-seq-len': { type: 'string', default: '1024' },
    'infill-probability': { type: 'string', default: '0.75' },
    'max-tracks': { type: 'string', default: '12' },
  },
});
if (positionals.length < 2) {
  console.error('usage: onnx-loss.mjs DATASET_DIR MODEL.onnx [MODEL2.onnx ...]');
  process.exit(2);
}
const [dataDir, ...models] = positionals;
const samples = [];
for (const { sample } of sampleStream(dataDir, {
  seed: 0,
  split: 'validation',
  maxSeqLen: Number(values['max-seq-len']),
  infillProbability: Number(values['infill-probability']),
  maxTracks: Number(values['max-tracks']),
}))
  if (sample.tokens.length >= 2) samples.push(sample.tokens);

const report = { validation_samples: samples.length, validation_tokens: samples.reduce((s, t) => s + t.length - 1, 0), models: {} };
for (const model of models) {
  const runtime = await Gpt2Runtime.create(readFileSync(model), { threads: 2 });
  const vocab = runtime.config.vocab_size;
  let total = 0;
  let agree = 0;
  for (const tokens of samples) {
    const logits = await runtime.forward(tokens, runtime.createCache(tokens.length));
    for (let t = 0; t + 1 < tokens.length; t++) {
      const row = logits.subarray(t * vocab, (t + 1) * vocab);
      let max = -Infinity, best = 0;
      for (let v = 0; v < vocab; v++) if (row[v] > max) (max = row[v]), (best = v);
      let sum = 0;
      for (let v = 0; v < vocab; v++) sum += Math.exp(row[v] - max);
      total -= row[tokens[t + 1]] - max - Math.log(sum);
      if (best === tokens[t + 1]) agree++;
    }
  }
  await runtime.release();
  const loss = total / report.validation_tokens;
  report.models[model] = { loss, perplexity: Math.exp(loss), top1_accuracy: agree / report.validation_tokens };
}
console.log(JSON.stringify(report, null, 1));
