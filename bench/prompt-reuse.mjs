// Steps that share work: a multi-step infill (one bar per step, window 8) of
// bars 5-8 of track 1 ("steps": the window moves every step) and of bars 1-4
// of the last track ("steps-start": the window stays at the start), and 3
// variations of a 2-bar infill, on every parity file long enough, with the default model, each prompt run from its first token
// ("plain") or going on from what an earlier prompt of the request left in the
// cache ("reuse"). Prints the prompt tokens reused and the wall times (medians
// of interleaved rounds). Run: node bench/prompt-reuse.mjs [ROUNDS] (THREADS=2).
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { Score } from '@midigpt/core';
import { InferenceEngine } from '@midigpt/inference';
import { defaultModelPath } from '@midigpt/default-model';

const threads = Number(process.env.THREADS ?? 2);
const rounds = Number(process.argv[2] ?? 3);
const parity = process.env.MIDIGPT_PARITY_DIR ?? path.resolve('../shared/parity');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const engine = await InferenceEngine.fromOnnx(defaultModelPath, { threads });
const checks = { silence_check: false, novelty_check: false };
const cases = [];
for (const file of readdirSync(path.join(parity, 'midi')).filter((f) => f.endsWith('.mid')).sort()) {
  let score;
  try {
    score = Score.fromMidi(path.join(parity, 'midi', file));
  } catch {
    continue;
  }
  if (score.tracks.length === 0 || score.tracks[0].bars.length < 12) continue;
  score = score.window(0, 12);
  const last = score.tracks.length - 1;
  cases.push({ file, kind: 'steps', run: () => engine.generate(score, { tracks: [{ id: 0, bars: [4, 5, 6, 7] }], config: { seed: 1, model_dim: 8, bars_per_step: 1, ...checks } }) });
  if (last > 0) cases.push({ file, kind: 'steps-start', run: () => engine.generate(score, { tracks: [{ id: last, bars: [0, 1, 2, 3] }], config: { seed: 1, model_dim: 8, bars_per_step: 1, ...checks } }) });
  cases.push({ file, kind: 'variations', run: () => engine.generateVariations(score, { tracks: [{ id: 0, bars: [4, 5] }], config: { seed: 1, model_dim: 8, ...checks } }, 3) });
}

const rows = [];
for (const c of cases) {
  const times = { plain: [], reuse: [] };
  let prompt = 0;
  let reused = 0;
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 ? ['reuse', 'plain'] : ['plain', 'reuse']) {
      engine.reusePrompts = mode === 'reuse';
      const start = performance.now();
      const out = await c.run();
      times[mode].push(performance.now() - start);
      if (mode === 'reuse' && r === 0) {
        const steps = (Array.isArray(out) ? out : [out]).flatMap((v) => v.steps);
        prompt = steps.reduce((n, s) => n + s.prompt.length, 0);
        reused = steps.reduce((n, s) => n + s.reusedTokens, 0);
      }
    }
  }
  const plain = median(times.plain);
  const reuse = median(times.reuse);
  rows.push({ file: c.file, kind: c.kind, prompt, reused, share: reused / prompt, plain, reuse });
  console.log(`${c.file.padEnd(40)} ${c.kind.padEnd(10)} prompt ${String(prompt).padStart(6)}  reused ${String(reused).padStart(6)} (${((100 * reused) / prompt).toFixed(0).padStart(3)} %)  plain ${plain.toFixed(0).padStart(6)} ms  reuse ${reuse.toFixed(0).padStart(6)} ms  ×${(plain / reuse).toFixed(2)}`);
}
for (const kind of ['steps', 'steps-start', 'variations']) {
  const of = rows.filter((r) => r.kind === kind);
  const prompt = of.reduce((n, r) => n + r.prompt, 0);
  const reused = of.reduce((n, r) => n + r.reused, 0);
  console.log(`${kind}: ${of.length} files, ${((100 * reused) / prompt).toFixed(1)} % of prompt tokens reused; median speed-up ×${median(of.map((r) => r.plain / r.reuse)).toFixed(2)} (range ×${Math.min(...of.map((r) => r.plain / r.reuse)).toFixed(2)}–×${Math.max(...of.map((r) => r.plain / r.reuse)).toFixed(2)})`);
}
await engine.release();
