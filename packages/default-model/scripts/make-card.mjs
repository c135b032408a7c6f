// Writes metrics.json and MODEL_CARD.md of the default model from a run folder
// made by reproduce.sh (losses.json, onnx-loss.json, infill.json, train/,
// data/, and adherence.json when there is one), so every number in the card
// comes from a measurement.
//
//   node packages/default-model/scripts/make-card.mjs RUN_DIR
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adherenceSection } from './control-adherence.mjs';

const run = process.argv[2];
if (!run) {
  console.error('usage: make-card.mjs RUN_DIR');
  process.exit(2);
}
const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const json = (file) => JSON.parse(readFileSync(path.join(run, file), 'utf8'));
const config = JSON.parse(readFileSync(path.join(pkg, '../train/configs/pop909-default.json'), 'utf8'));
const losses = json('losses.json');
const onnx = json('onnx-loss.json');
const infill = json('infill.json').summary;
// scripts/control-adherence.mjs's measurement, when the run has one.
const adherence = existsSync(path.join(run, 'adherence.json')) ? json('adherence.json').summary : null;
const manifest = json('data/manifest.json');
const records = readFileSync(path.join(run, 'train/metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const speeds = records.filter((r) => r.tokens_per_second).map((r) => r.tokens_per_second).sort((a, b) => a - b);
const medianSpeed = speeds[Math.floor(speeds.length / 2)];
const [fp32, int8] = Object.values(onnx.models);
const { n_embd, n_layer, n_head, max_seq_len } = config;
const vocab = manifest.encoder.vocabSize;
const parameters = losses.parameters;
const splits = { train: 0, validation: 0 };
for (const p of manifest.pieces) splits[p.split] += 1;

const metrics = {
  model: { n_embd, n_layer, n_head, n_positions: max_seq_len, vocab_size: vocab, parameters, onnx_bytes: statSync(path.join(pkg, 'model.onnx')).size, quantize: 'int8' },
  training: {
    steps: losses.steps,
    tokens_seen: losses.tokens_seen,
    pieces: splits,
    hours: losses.tokens_seen / medianSpeed / 3600,
    device: process.env.MIDIGPT_TRAIN_DEVICE ?? 'CPU, 2 cores (PyTorch 1.13, Debian)',
  },
  validation: {
    samples: losses.validation_samples,
    tokens: losses.validation_tokens,
    loss: losses.model_loss,
    perplexity: losses.model_perplexity,
    onnx_fp32_loss: fp32.loss,
    onnx_int8_loss: int8.loss,
    onnx_int8_perplexity: int8.perplexity,
    onnx_fp32_top1: fp32.top1_accuracy,
    onnx_int8_top1: int8.top1_accuracy,
    unigram_loss: losses.unigram_loss,
    unigram_perplexity: losses.unigram_perplexity,
    untrained_loss: losses.untrained_loss,
    untrained_perplexity: losses.untrained_perplexity,
  },
  infill,
  ...(adherence ? { control_adherence: { ...adherence, strict_violations: adherence.strict_violations.length } } : {}),
};

// Anything the run's operator recorded about it (RUN_DIR/NOTES.md), quoted as written.
const runNotes = existsSync(path.join(run, 'NOTES.md')) ? readFileSync(path.join(run, 'NOTES.md'), 'utf8').trim() : '';

const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const pct = (x) => `${(100 * x).toFixed(1)} %`;
const card = `# pop909-small: the default midigpt model

The model \`midigpt infill\`, \`generate\` and \`run\` use when no \`--model\` is given.
A small GPT-2 trained from scratch on POP909 with the **yellow** encoder (the
reference's multitrack encoder with infilling and five attribute controls). It is
meant to make the main job work offline on any machine, in seconds on a laptop
CPU; it is not the reference's released models (those are downloaded by name:
\`--model yellow\`).

This file is written by \`scripts/make-card.mjs\` from the measurements of
\`scripts/reproduce.sh\`; numbers are not edited by hand.

## Data and licence
- [POP909](https://github.com/music-x-lab/POP909-Dataset): 909 piano arrangements
  of Chinese pop songs (melody, bridge, piano accompaniment), © 2020 Music X Lab,
  MIT License. The model is released under the MIT License too.
- \`midigpt dataset build\` kept ${manifest.pieces.length} pieces (${manifest.rejected?.length ?? 0} rejected);
  a fixed 5 % held out by content hash: **${splits.train} training, ${splits.validation} validation pieces**.
  Every validation number below is on the held-out pieces only.

## Architecture and training
- GPT-2, ${n_layer} layers, ${n_embd} wide, ${n_head} heads, ${max_seq_len} positions, vocabulary ${vocab}:
  ${(parameters / 1e6).toFixed(2)} M parameters. Shipped as ONNX with int8 weights
  (\`midigpt convert --quantize int8\`): ${(metrics.model.onnx_bytes / 2 ** 20).toFixed(1)} MiB. Beside it,
  \`checkpoint.safetensors\` holds the same weights as a float16 format-2 bundle to fine-tune from.
- Trainer: \`midigpt train\` (PyTorch), config \`packages/train/configs/pop909-default.json\`:
  AdamW, learning rate ${config.learning_rate} with ${config.warmup_steps} warm-up steps and cosine decay,
  batch ${config.per_device_batch_size} samples × ${config.gradient_accumulation_steps} accumulation, weight decay ${config.weight_decay}, clipping ${config.max_grad_norm};
  samples as the reference builds them (4- and 8-bar windows, ${pct(config.infill_probability)} infill samples, transposition ±6, velocity scaling).
- ${metrics.training.steps} optimizer steps, **${(metrics.training.tokens_seen / 1e6).toFixed(1)} M training tokens seen**,
  about ${f(metrics.training.hours, 1)} hours of training (tokens seen ÷ median tokens per second) on ${metrics.training.device}.

![training curve](training-curve.png)
${runNotes ? `\nNotes on this run: ${runNotes}\n` : ''}
## Validation loss and perplexity
Cross-entropy per predicted token on one seeded sample of each held-out piece
(${losses.validation_samples} samples, ${losses.validation_tokens} tokens), teacher-forced, no grammar mask:

| model | loss (nats/token) | perplexity |
|---|---|---|
| **this model** (PyTorch, float32) | **${f(losses.model_loss, 3)}** | **${f(losses.model_perplexity)}** |
| this model, ONNX float32 | ${f(fp32.loss, 3)} | ${f(fp32.perplexity)} |
| this model, ONNX int8 (shipped) | ${f(int8.loss, 3)} | ${f(int8.perplexity)} |
| unigram baseline (token frequencies of 2 000 training samples) | ${f(losses.unigram_loss, 3)} | ${f(losses.unigram_perplexity)} |
| untrained model (same architecture, seeded initialization) | ${f(losses.untrained_loss, 3)} | ${f(losses.untrained_perplexity)} |

Next-token top-1 accuracy: ${pct(fp32.top1_accuracy)} (float32), ${pct(int8.top1_accuracy)} (int8).

## Infill quality
${infill.infills} seeded infills on ${infill.held_out_pieces} held-out pieces (\`scripts/infill-quality.mjs\`): each
replaces ${infill.bars_per_infill} bars of one track inside an ${infill.window_bars}-bar window (seed = infill
number, default sampling: temperature 1, no top-k/top-p), shipped int8 model, ${f(infill.seconds, 0)} s in all on 2 CPU threads.
"Real" is the same measure on the bars that were replaced: what a human wrote.

| measure | generated | real bars | random pitch classes |
|---|---|---|---|
| pitch-class overlap with the context (histogram intersection, 0-1) | ${f(infill.pitch_class_overlap.generated)} | ${f(infill.pitch_class_overlap.real)} | ${f(infill.random_pitch_class_overlap)} |
| notes in the context's key (its 7 most used pitch classes) | ${pct(infill.in_key_fraction.generated)} | ${pct(infill.in_key_fraction.real)} | ${pct(infill.uniform_in_key_fraction)} |
| notes per bar (mean) | ${f(infill.notes_per_bar.generated, 1)} | ${f(infill.notes_per_bar.real, 1)} | |
| polyphony: notes sounding at each onset (mean) | ${f(infill.polyphony.generated)} | ${f(infill.polyphony.real)} | |

- Notes per bar, generated vs real, correlate at r = ${f(infill.notes_per_bar_correlation)} across the infills;
  polyphony at r = ${f(infill.polyphony_correlation)}.
- Empty bars where the real bar had notes: ${pct(infill.empty_bar_fraction)} of generated bars.
- Degenerate infills (every replaced bar left empty, or one pitch repeated): **${pct(infill.degenerate_fraction)}**.
${adherence ? `\n${adherenceSection(adherence)}` : ''}
## Limits
- Small and trained briefly on one style (Chinese pop piano arrangements, 3 tracks, mostly 4/4).
  Other styles, drums and instruments outside piano are outside what it has seen.
- Use the reference's released models (\`--model yellow\`, downloaded once) for quality;
  this one is for working offline and for tests.

## Reproduce
\`\`\`
bash packages/default-model/scripts/reproduce.sh ../shared/data/pop909 runs/pop909-default
\`\`\`
It builds the dataset, trains with the config above (resuming if stopped), converts to
int8 ONNX, evaluates, plots, and rewrites \`model.onnx\`, \`metrics.json\`, \`training-curve.png\`
and this card. Training is seeded: a run of this config gives the same weights on the same
PyTorch build and CPU, and a stopped run resumes to the same weights as an uninterrupted one.
Fine-tune it on your own MIDI with
\`midigpt train --config packages/train/configs/pop909-default.json --data DIR --out DIR --init-from packages/default-model/checkpoint.safetensors\`
(the config must keep the model shape: ${n_embd} wide, ${n_layer} layers, ${n_head} heads).
`;

for (const [file, text] of [['metrics.json', `${JSON.stringify(metrics, null, 1)}\n`], ['MODEL_CARD.md', card]]) {
  writeFileSync(path.join(pkg, `${file}.tmp`), text);
  renameSync(path.join(pkg, `${file}.tmp`), path.join(pkg, file));
}
console.log(`wrote ${path.join(pkg, 'metrics.json')} and ${path.join(pkg, 'MODEL_CARD.md')}`);
