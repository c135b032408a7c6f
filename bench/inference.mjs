// Model speed with random weights of the reference's small (512/6/8) and
// medium (768/12/12) shapes, vocabulary 647, 2048 positions, fp32, batch 1:
// prefill of 500 and 1900 tokens, per-token decode at contexts 100/500/1000/1900
// (medians), and an infill session (2 bars of track 1, first 8 bars of
// Aicha.mid, model_dim 8). Compare with ../shared/perf/reference.md.
// Run: node bench/inference.mjs [small|medium] (default: both). THREADS=2, QUANTIZE=int8|int4.
import path from 'node:path';
import { Score } from '@midigpt/core';
import { convertToOnnx, Gpt2Runtime, InferenceEngine } from '@midigpt/inference';
import { randomCheckpoint, SHAPES } from './random-checkpoint.mjs';

const threads = Number(process.env.THREADS ?? 2);
const parity = process.env.MIDIGPT_PARITY_DIR ?? path.resolve('../shared/parity');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn, rounds) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

for (const name of process.argv[2] ? [process.argv[2]] : Object.keys(SHAPES)) {
  const model = convertToOnnx(randomCheckpoint(SHAPES[name]), process.env.QUANTIZE ? { quantize: process.env.QUANTIZE } : {});
  const runtime = await Gpt2Runtime.create(model, { threads });
  const tokens = (n) => Array.from({ length: n }, (_, i) => (i * 7) % 647);
  const prefill500 = await timed(() => runtime.forward(tokens(500), runtime.createCache(500)), 3);
  const prefill1900 = await timed(() => runtime.forward(tokens(1900), runtime.createCache(1900)), 2);
  const decode = {};
  for (const context of [100, 500, 1000, 1900]) {
    const cache = runtime.createCache(context + 32);
    await runtime.forward(tokens(context), cache);
    const times = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await runtime.forward([i % 647], cache);
      times.push(performance.now() - t);
    }
    decode[context] = median(times);
  }
  // Four variations decoded together at context 500.
  const batchCache = runtime.createCache(532, 4);
  for (let lane = 0; lane < 4; lane++) await runtime.prefill(tokens(500), batchCache, { lane });
  const batchTimes = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await runtime.decodeBatch([1, 2, 3, 4], batchCache, [500 + i, 500 + i, 500 + i, 500 + i]);
    batchTimes.push(performance.now() - t);
  }
  const batched = median(batchTimes);
  await runtime.release();

  const engine = await InferenceEngine.fromOnnx(model, { threads });
  // Time spent inside the model forward, to report the share of everything else.
  let forwardMs = 0;
  const forward = engine.runtime.forward.bind(engine.runtime);
  engine.runtime.forward = async (...args) => {
    const t = performance.now();
    try {
      return await forward(...args);
    } finally {
      forwardMs += performance.now() - t;
    }
  };
  const score = Score.fromMidi(path.join(parity, 'midi', 'Aicha.mid')).window(0, 8);
  const tracks = score.tracks.map((_, id) => ({ id, bars: id === 1 ? [2, 3] : [] }));
  forwardMs = 0;
  const start = performance.now();
  const result = await engine.generate(score, { tracks, config: { model_dim: 8, seed: 0, top_p: 0.95, max_attempts: 1, silence_check: false, novelty_check: false } });
  const seconds = (performance.now() - start) / 1000;
  const generated = result.steps.reduce((n, s) => n + s.generated.length, 0);
  const infillOutside = 1 - forwardMs / 1000 / seconds;
  // AR: a new bass track over the same 8 bars.
  const json = score.toJSON();
  json.tracks.push({ name: 'new', instrument: 33, track_type: 'melodic', attributes: {}, bars: json.tracks[0].bars.map((b) => ({ ...b, notes: [] })) });
  const withNew = Score.fromJSON(json);
  const arTracks = withNew.tracks.map((_, id) => ({ id, bars: [], autoregressive: id === json.tracks.length - 1 }));
  forwardMs = 0;
  const arStart = performance.now();
  const ar = await engine.generate(withNew, { tracks: arTracks, config: { model_dim: 8, seed: 0, top_p: 0.95, max_attempts: 1, silence_check: false, novelty_check: false } });
  const arSeconds = (performance.now() - arStart) / 1000;
  const arTokens = ar.steps.reduce((n, s) => n + s.generated.length, 0);
  const arOutside = 1 - forwardMs / 1000 / arSeconds;
  await engine.release();

  console.log(`${name} (${SHAPES[name].n_embd}/${SHAPES[name].n_layer}/${SHAPES[name].n_head}), ${process.env.QUANTIZE ?? 'fp32'}, ${threads} threads`);
  console.log(`  prefill 500 / 1900 tokens: ${prefill500.toFixed(0)} / ${prefill1900.toFixed(0)} ms`);
  console.log(`  decode per token at 100/500/1000/1900: ${[100, 500, 1000, 1900].map((c) => decode[c].toFixed(2)).join(' / ')} ms`);
  console.log(`  4 variations decoded together at context 500: ${batched.toFixed(2)} ms per step = ${(batched / 4).toFixed(2)} ms per token`);
  console.log(`  infill session (2 bars of track 1, Aicha bars 0-7, model_dim 8): ${generated} tokens in ${seconds.toFixed(2)} s = ${(generated / seconds).toFixed(0)} tok/s`);
  console.log(`  AR session (new track over Aicha bars 0-7, model_dim 8): ${arTokens} tokens in ${arSeconds.toFixed(2)} s = ${(arTokens / arSeconds).toFixed(0)} tok/s`);
  console.log(`  time outside the model forward (prompts, masks, sampling, write-back): infill ${(100 * infillOutside).toFixed(1)} %, AR ${(100 * arOutside).toFixed(1)} %`);
  console.log(`  peak RSS so far: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}
