// The time a musician waits: `midigpt infill` of 4 bars (bars 13-16 of the
// melody of examples/pop909-032.mid), with the default model and with random-
// weight models of the reference's small and medium shapes (int8; medium also
// fp32). Cold: a new `midigpt infill` process each run (start-up, model load,
// generation, MIDI written). Warm: an engine already loaded; wall time, time to
// the first generated note (its NoteOnset token), tokens and tokens/s.
// Random weights would write notes until the context runs out, so those
// models run with a density limit of 10 notes per bar (about as many tokens as
// the default model writes for these bars). Medians of 5 seeds (3 cold runs).
// Run: node bench/musician-wait.mjs (THREADS=2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Score } from '@midigpt/core';
import { convertToOnnx, InferenceEngine } from '@midigpt/inference';
import { defaultModelPath } from '@midigpt/default-model';
import { randomCheckpoint, SHAPES } from './random-checkpoint.mjs';

const threads = Number(process.env.THREADS ?? 2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const example = path.resolve('examples/pop909-032.mid');
const cli = path.resolve('packages/cli/bin/midigpt.js');
const work = mkdtempSync(path.join(os.tmpdir(), 'midigpt-wait-'));
const BARS = [12, 13, 14, 15];

const models = [['default (int8)', defaultModelPath, 0]];
for (const [shape, quantize] of [['small', 'int8'], ['medium', 'int8'], ['medium', 'float32']]) {
  const file = path.join(work, `${shape}-${quantize}.onnx`);
  writeFileSync(file, convertToOnnx(randomCheckpoint(SHAPES[shape]), quantize === 'int8' ? { quantize } : {}));
  models.push([`${shape} (${quantize}, random)`, file, 10]);
}

const score = Score.fromMidi(example);
console.log('model                     cold wall   warm wall   first note   tokens   tokens/s');
for (const [name, file, densityLimit] of models) {
  const limit = densityLimit ? ['--density-limit', String(densityLimit)] : [];
  const cold = [];
  for (let seed = 1; seed <= 3; seed++) {
    const out = path.join(work, `cold-${seed}.mid`);
    const start = performance.now();
    const r = spawnSync(process.execPath, [cli, 'infill', example, '-o', out, '--track', '0', '--bars', '12-15', '--seed', String(seed), '--model', file, '--threads', String(threads), '--force', ...limit], { encoding: 'utf8' });
    cold.push(performance.now() - start);
    if (r.status !== 0) throw new Error(`midigpt infill failed: ${r.stderr}`);
  }
  const engine = await InferenceEngine.fromOnnx(file, { threads });
  const warm = [];
  const first = [];
  const tokens = [];
  for (let seed = 1; seed <= 5; seed++) {
    let firstNote = null;
    const start = performance.now();
    const logger = { token: (_p, _id, tokenName) => (firstNote ??= tokenName.startsWith('NoteOnset') ? performance.now() - start : null), stepSummary: () => {} };
    const result = await engine.generate(score, { tracks: [{ id: 0, bars: BARS }], config: { seed, ...(densityLimit ? { density_hard_limit: densityLimit } : {}) } }, { logger });
    warm.push(performance.now() - start);
    first.push(firstNote ?? NaN);
    tokens.push(result.steps.reduce((n, s) => n + s.generated.length, 0));
  }
  await engine.release();
  const w = median(warm);
  const t = median(tokens);
  console.log(`${name.padEnd(24)} ${median(cold).toFixed(0).padStart(7)} ms ${w.toFixed(0).padStart(8)} ms ${median(first).toFixed(0).padStart(9)} ms ${String(t).padStart(8)} ${((t * 1000) / w).toFixed(0).padStart(10)}`);
}
rmSync(work, { recursive: true, force: true });
